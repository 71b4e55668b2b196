// Course.Grader.Worker: started by the grader, one per student; see Worker.
return Course.Grading.Worker.Run();
