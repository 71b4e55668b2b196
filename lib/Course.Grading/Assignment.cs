using System.Globalization;
using System.Text.Json;

namespace Course.Grading;

/// <summary>
/// What one grading run covers: a named set of exercises (a week's notebooks, say) with an optional due date. Grades,
/// totals, the LMS file, Gradescope's results and feedback cover exactly these exercises; without an assignment file
/// the whole course is graded. The file is JSON, e.g. <c>assignments/week5.json</c>:
/// <code>{ "name": "Week 5: causal masks and the KV cache", "notebooks": ["05.1", "05.2"], "exercises": ["5.3a"], "due": "2026-12-12" }</code>
/// "notebooks" takes every exercise of those notebooks, "exercises" adds single ones; the points are the exercises'.
/// </summary>
/// <param name="Name">What the gradebook and feedback call it.</param>
/// <param name="Exercises">The exercises graded, in course order.</param>
/// <param name="Due">The due date, if the file gives one (shown in feedback; the grader does not enforce it).</param>
public sealed record Assignment(string Name, IReadOnlyList<Exercise> Exercises, DateOnly? Due = null)
{
    /// <summary>The points available: the sum of the exercises' points.</summary>
    public double Points => Exercises.Sum(e => e.Points);

    /// <summary>The whole course: every exercise of <paramref name="catalog"/>.</summary>
    public static Assignment WholeCourse(IReadOnlyList<Exercise> catalog) => new("the whole course", catalog);

    /// <summary>Reads an assignment file against the course's exercises.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">The file is not an assignment: the message says what is wrong and which ids exist.</exception>
    public static Assignment Load(string path, IReadOnlyList<Exercise> catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"no assignment file {path}", path);
        }

        try
        {
            return Parse(File.ReadAllText(path), catalog);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or KeyNotFoundException)
        {
            throw new InvalidDataException($"{path} is not an assignment file: {e.Message}", e);
        }
    }

    /// <summary>Reads the JSON text of an assignment file (see the type's summary).</summary>
    public static Assignment Parse(string json, IReadOnlyList<Exercise> catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        using JsonDocument document = JsonDocument.Parse(json);
        JsonElement root = document.RootElement;
        string name = root.TryGetProperty("name", out JsonElement n) ? n.GetString() ?? "" : "";
        if (name.Trim().Length == 0)
        {
            throw new InvalidOperationException("it needs a \"name\".");
        }

        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (string notebook in Strings(root, "notebooks"))
        {
            Exercise[] of = [.. catalog.Where(e => e.Notebook == notebook)];
            if (of.Length == 0)
            {
                throw new KeyNotFoundException($"notebook \"{notebook}\" has no exercises; notebooks with exercises: {string.Join(", ", catalog.Select(e => e.Notebook).Distinct())}.");
            }

            wanted.UnionWith(of.Select(e => e.Id));
        }

        foreach (string id in Strings(root, "exercises"))
        {
            if (!catalog.Any(e => e.Id == id))
            {
                throw new KeyNotFoundException($"there is no exercise \"{id}\"; the exercises are {string.Join(", ", catalog.Select(e => e.Id))}.");
            }

            wanted.Add(id);
        }

        if (wanted.Count == 0)
        {
            throw new InvalidOperationException("it lists no \"notebooks\" and no \"exercises\".");
        }

        DateOnly? due = root.TryGetProperty("due", out JsonElement d) && d.GetString() is { } text
            ? DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture)
            : null;
        return new Assignment(name.Trim(), [.. catalog.Where(e => wanted.Contains(e.Id))], due);
    }

    private static IEnumerable<string> Strings(JsonElement root, string property) =>
        root.TryGetProperty(property, out JsonElement list)
            ? list.EnumerateArray().Select(v => v.GetString() ?? throw new InvalidOperationException($"\"{property}\" holds a non-string."))
            : [];
}
