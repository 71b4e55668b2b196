// Course.Grader.Worker: started by the grader, one per student; see Worker.
return Course.Grader.Worker.Worker.Run();
