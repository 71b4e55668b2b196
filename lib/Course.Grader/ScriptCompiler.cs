using System.Collections.Immutable;
using Attention;
using Attention.Exercises;
using Course.Grading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Course.Grader;

/// <summary>An exercise cell compiled to an assembly, or the reason it did not compile.</summary>
/// <param name="Assembly">The emitted assembly (null when compilation failed).</param>
/// <param name="EntryType">The script class holding the factory, e.g. Submission#0.</param>
/// <param name="EntryMethod">The script factory method, &lt;Factory&gt;.</param>
/// <param name="Errors">Compiler errors with cell line numbers (empty on success).</param>
/// <param name="Notes">Things the student should know, e.g. ignored top-level statements.</param>
/// <param name="Violation">The API rule the cell breaks (<see cref="SourceRules"/>); then <paramref name="Assembly"/> is null.</param>
/// <param name="TimedOut">Compiling (binding, checking the rules or emitting) ran past its limit; then <paramref name="Assembly"/> is null.</param>
public sealed record CompiledCell(byte[]? Assembly, string EntryType, string EntryMethod, IReadOnlyList<string> Errors, IReadOnlyList<string> Notes,
    string? Violation = null, bool TimedOut = false);

/// <summary>
/// Compiles one exercise cell the way the notebook runs it: as C# script code with the setup cell's usings, against the
/// course library. Top-level expression statements (test calls, display lines) are dropped, since they may use
/// variables of other cells that the grader does not run; magic commands and #r lines are blanked. A trailing
/// expression converts the student's method group to the exercise's delegate type, so a changed signature is a
/// compile error that names the signature. Compilation runs in the grader process: it never executes student code.
/// </summary>
public static class ScriptCompiler
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    /// <summary>Compiles <paramref name="cellCode"/> as exercise <paramref name="exercise"/>, giving up after <paramref name="timeout"/>.</summary>
    /// <param name="exercise">The exercise the cell answers.</param>
    /// <param name="cellCode">The cell's text.</param>
    /// <param name="assemblyName">A unique assembly name (starting with <c>cell_</c>).</param>
    /// <param name="timeout">Compilation time limit.</param>
    /// <param name="allowLibrary">Allow the library members that do the exercise's job (<see cref="Exercise.SameAs"/>).</param>
    /// <param name="checkRules">Apply the API rules (off only to test the worker's containment without them).</param>
    public static CompiledCell Compile(Exercise exercise, string cellCode, string assemblyName, TimeSpan timeout, bool allowLibrary = false, bool checkRules = true)
    {
        var notes = new List<string>();
        string[] lines = cellCode.Replace("\r\n", "\n").Split('\n');
        for (int k = 0; k < lines.Length; k++)
        {
            string trimmed = lines[k].TrimStart();
            if (trimmed.StartsWith("#!", StringComparison.Ordinal) || trimmed.StartsWith("#r ", StringComparison.Ordinal)
                || trimmed.StartsWith("#load ", StringComparison.Ordinal) || trimmed.StartsWith("#i ", StringComparison.Ordinal))
            {
                lines[k] = "";
            }
        }

        var parseOptions = new CSharpParseOptions(LanguageVersion.Latest, kind: SourceCodeKind.Script);
        var root = (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(string.Join('\n', lines), parseOptions).GetRoot();
        var dropped = root.Members.OfType<GlobalStatementSyntax>().Where(g => g.Statement is ExpressionStatementSyntax).ToList();
        if (dropped.Count > 0)
        {
            notes.Add("top-level statement(s) on line " + string.Join(", ", dropped.Select(d => d.GetLocation().GetLineSpan().StartLinePosition.Line + 1))
                + " ignored: only declarations of the exercise cell are graded.");
            root = root.RemoveNodes(dropped, SyntaxRemoveOptions.KeepExteriorTrivia | SyntaxRemoveOptions.KeepEndOfLine)!;
        }

        // The aliases of the setup cell go on line 0, so the cell's own line numbers stay as the student sees them.
        string source = string.Join(" ", ExerciseCells.UsingAliases) + "\n" + root.ToFullString();
        int cellLines = source.Split('\n').Length - 1;
        string trailer = $"\n(System.Delegate)new {TypeText(exercise.FuncType)}({exercise.FunctionName})\n";
        var tree = CSharpSyntaxTree.ParseText(source + trailer, parseOptions);
        var options = new CSharpCompilationOptions(
            OutputKind.DynamicallyLinkedLibrary,
            usings: ExerciseCells.Usings,
            optimizationLevel: OptimizationLevel.Release,
            nullableContextOptions: NullableContextOptions.Disable,
            concurrentBuild: false);
        var compilation = CSharpCompilation.CreateScriptCompilation(
            assemblyName, tree, References.Value, options, previousScriptCompilation: null, returnType: typeof(object));

        // Roslyn looks at the token only now and then: a cell built to make binding explode can run for minutes past it.
        // So the compile runs on a thread of its own, the grader waits no longer than the limit, and then cancels it
        // and moves on (the thread ends when Roslyn next looks at the token).
        var cts = new CancellationTokenSource(timeout);
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        Task<CompiledCell> compile = Task.Run(() => Finish(exercise, compilation, tree, source, cellLines, notes, allowLibrary, checkRules, timeout, cts.Token));
        if (!compile.Wait(timeout + TimeSpan.FromSeconds(1)))
        {
            cts.Cancel();
            _ = compile.ContinueWith(t => { _ = t.Exception; cts.Dispose(); }, TaskScheduler.Default);
            return TimedOutCell(timeout, notes);
        }

        cts.Dispose();

        // The token's timer runs on the thread pool, which a busy machine can starve: the clock, not the timer, decides.
        return System.Diagnostics.Stopwatch.GetElapsedTime(started) > timeout ? TimedOutCell(timeout, notes) : compile.Result;
    }

    private static CompiledCell TimedOutCell(TimeSpan timeout, List<string> notes) =>
        new(null, "", "", [$"compiling the cell took longer than {timeout.TotalSeconds:0} s"], notes, TimedOut: true);

    private static CompiledCell Finish(Exercise exercise, CSharpCompilation compilation, SyntaxTree tree, string source, int cellLines, List<string> notes,
        bool allowLibrary, bool checkRules, TimeSpan timeout, CancellationToken cancel)
    {
        try
        {
            if (checkRules && !compilation.GetDiagnostics(cancel).Any(d => d.Severity == DiagnosticSeverity.Error)
                && SourceRules.FirstViolation(compilation, tree, source.Length,
                    allowLibrary ? [.. exercise.AllowedNames, .. exercise.SameAsNames] : exercise.AllowedNames, allowLibrary ? [] : exercise.SameAsNames, cancel) is { } violation)
            {
                return new CompiledCell(null, "", "", [], notes, violation);
            }

            using var stream = new MemoryStream();
            Microsoft.CodeAnalysis.Emit.EmitResult result = compilation.Emit(stream, cancellationToken: cancel);

            if (!result.Success)
            {
                var errors = result.Diagnostics
                    .Where(d => d.Severity == DiagnosticSeverity.Error)
                    .Take(5)
                    .Select(d => Describe(d, cellLines, exercise))
                    .Distinct()
                    .ToList();
                return new CompiledCell(null, "", "", errors, notes);
            }

            IMethodSymbol entry = compilation.GetEntryPoint(cancel)
                ?? throw new InvalidOperationException("a script compilation has an entry point");
            string ns = entry.ContainingNamespace.IsGlobalNamespace ? "" : entry.ContainingNamespace.ToDisplayString() + ".";
            return new CompiledCell(stream.ToArray(), ns + entry.ContainingType.MetadataName, entry.MetadataName, [], notes);
        }
        catch (OperationCanceledException)
        {
            // Binding can be made to explode (overload resolution over many lambdas): past the limit the cell is refused, not waited for.
            return TimedOutCell(timeout, notes);
        }
    }

    /// <summary>C# text of a delegate type, e.g. System.Func&lt;Attention.Tensor, int, Attention.Tensor&gt;.</summary>
    public static string TypeText(Type type)
    {
        if (!type.IsGenericType)
        {
            return "global::" + (type.FullName ?? type.Name);
        }

        string name = type.GetGenericTypeDefinition().FullName!;
        name = name[..name.IndexOf('`')];
        return $"global::{name}<{string.Join(", ", type.GetGenericArguments().Select(TypeText))}>";
    }

    private static string Describe(Diagnostic d, int cellLines, Exercise exercise)
    {
        int line = d.Location.GetLineSpan().StartLinePosition.Line;
        string message = d.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        return line > cellLines
            ? $"the cell must declare {exercise.Signature} ({d.Id}: {message})"
            : $"line {Math.Max(line, 1)}: {d.Id}: {message}";
    }

    /// <summary>
    /// The assemblies a cell is compiled against: the shared framework the grader runs on, plus the course library and its
    /// dependencies — the same assemblies the worker loads, so what compiles here binds there.
    /// </summary>
    public static IReadOnlyList<string> ReferencePaths => Paths.Value;

    private static readonly Lazy<IReadOnlyList<string>> Paths = new(() => [.. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetDirectoryName(p) == Path.GetDirectoryName(typeof(object).Assembly.Location))
            .Concat(
            [
                typeof(Tensor).Assembly.Location,
                // Referenced so a cell that uses grading types gets the API rule's message, not a compile error.
                typeof(Exercises).Assembly.Location,
                typeof(System.Numerics.Tensors.TensorPrimitives).Assembly.Location,
                typeof(MathNet.Numerics.Control).Assembly.Location,
            ])
            .Distinct()]);

    private static ImmutableArray<MetadataReference> LoadReferences() =>
        [.. ReferencePaths.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
}
