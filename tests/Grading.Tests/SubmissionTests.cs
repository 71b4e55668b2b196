using Attention;
using Course.Grading;
using Microsoft.DotNet.Interactive.Documents;

namespace Grading.Tests;

/// <summary>Finding exercise cells in notebooks written and read with Microsoft.DotNet.Interactive.Documents.</summary>
public class SubmissionTests
{
    [Fact]
    public void Exercise_cell_metadata_survives_a_write_and_read_and_wins_over_the_marker()
    {
        string folder = Path.Combine(Path.GetTempPath(), "grading-tests-" + Guid.NewGuid().ToString("N"));
        try
        {
            // The metadata cell's first line is renamed; a later cell only has the marker and is not graded.
            var document = new InteractiveDocument
            {
                new InteractiveDocumentElement("// renamed\n" + Course.Solutions.ReferenceAnswers.Code("4.2a"), "csharp") { Metadata = ExerciseCells.Metadata(Exercises.Get("4.2a")) },
                new InteractiveDocumentElement(ExerciseCells.StubCell(Exercises.Get("4.2a")), "csharp"),
                new InteractiveDocumentElement("Some prose.", "markdown"),
            };
            NotebookCells.Write(document, Path.Combine(folder, "alice", "04.2-mine.ipynb"));

            Submission submission = Submission.Read(Path.Combine(folder, "alice"));
            CellLookup found = submission.Find(Exercises.Get("4.2a"));
            CellLookup missing = submission.Find(Exercises.Get("4.2b"));

            Assert.Equal("alice", submission.Student);
            Assert.NotNull(found.Code);
            Assert.StartsWith("// renamed", found.Code, StringComparison.Ordinal);
            Assert.Empty(found.Notes);
            Assert.Null(missing.Code);
            Assert.Equal(GradeStatus.NotFound, missing.Status);
            Assert.Equal("exercise cell 4.2b not found in 04.2-mine.ipynb: keep the cell's first line '// Exercise 4.2b: Outputs of all heads at once'.", missing.Reason);
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
