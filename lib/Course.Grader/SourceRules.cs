using Attention;
using Attention.Exercises;
using Course.Grading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Course.Grader;

/// <summary>
/// <see cref="ApiRules"/> decided on an exercise cell's compiled semantic model: every symbol the cell's code binds to
/// (calls, member accesses, constructed and named types) is looked up in the rule table, and the language features
/// that reach past it — <c>unsafe</c> code, pointers, <c>dynamic</c>, <c>extern</c>, <c>async</c>/<c>await</c>,
/// <c>__makeref</c> — are refused outright. A cell that breaks a rule earns 0 for its exercise and never runs.
/// </summary>
public static class SourceRules
{
    /// <summary>The first violation in <paramref name="tree"/> (the cell's own lines only), or null.</summary>
    /// <param name="compilation">The cell's compilation.</param>
    /// <param name="tree">The cell's syntax tree.</param>
    /// <param name="cellEnd">Position where the cell's own text ends (the grader's trailer after it is not checked).</param>
    /// <param name="allowed">Library members the exercise allows beyond the table.</param>
    /// <param name="sameAs">The exercise's same-purpose library members (empty when the instructor allows them).</param>
    /// <param name="cancel">Stops the check (a cell whose binding explodes); throws <see cref="OperationCanceledException"/>.</param>
    public static string? FirstViolation(Compilation compilation, SyntaxTree tree, int cellEnd, IReadOnlyList<string> allowed, IReadOnlyList<string> sameAs, CancellationToken cancel = default)
    {
        SemanticModel model = compilation.GetSemanticModel(tree);
        foreach (SyntaxNode node in tree.GetRoot(cancel).DescendantNodes().Where(n => n.SpanStart < cellEnd))
        {
            cancel.ThrowIfCancellationRequested();
            string? why = node switch
            {
                UnsafeStatementSyntax or PointerTypeSyntax or FunctionPointerTypeSyntax or FixedStatementSyntax => "unsafe code",
                MemberDeclarationSyntax m when m.Modifiers.Any(SyntaxKind.UnsafeKeyword) => "unsafe code",
                MemberDeclarationSyntax m when m.Modifiers.Any(SyntaxKind.ExternKeyword) => "extern (interop)",
                LocalFunctionStatementSyntax f when f.Modifiers.Any(SyntaxKind.UnsafeKeyword) => "unsafe code",
                LocalFunctionStatementSyntax f when f.Modifiers.Any(SyntaxKind.ExternKeyword) => "extern (interop)",
                LocalFunctionStatementSyntax f when f.Modifiers.Any(SyntaxKind.AsyncKeyword) => "async code (tasks)",
                MemberDeclarationSyntax m when m.Modifiers.Any(SyntaxKind.AsyncKeyword) => "async code (tasks)",
                AnonymousFunctionExpressionSyntax f when f.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword) => "async code (tasks)",
                AwaitExpressionSyntax => "async code (tasks)",
                MakeRefExpressionSyntax or RefValueExpressionSyntax or RefTypeExpressionSyntax => "__makeref (unsafe code)",
                AttributeSyntax => "an attribute (attributes can make code run on their own, as a module initializer does)",
                DestructorDeclarationSyntax => "a finalizer (it runs on the runtime's own thread)",
                _ => null,
            };
            if (why is not null)
            {
                return $"line {Line(node)}: {why} is not allowed in an exercise";
            }

            if (node is ExpressionSyntax expression && model.GetTypeInfo(expression, cancel).Type is { TypeKind: TypeKind.Dynamic })
            {
                return $"line {Line(node)}: dynamic is not allowed in an exercise";
            }

            if (node is not (IdentifierNameSyntax or GenericNameSyntax or QualifiedNameSyntax or MemberAccessExpressionSyntax
                or ObjectCreationExpressionSyntax or ImplicitObjectCreationExpressionSyntax or InvocationExpressionSyntax or ElementAccessExpressionSyntax))
            {
                continue;
            }

            SymbolInfo info = model.GetSymbolInfo(node, cancel);
            foreach (ISymbol symbol in info.Symbol is { } s ? [s] : info.CandidateSymbols)
            {
                if (Violation(symbol, allowed, sameAs) is { } broken)
                {
                    return $"line {Line(node)}: {broken}";
                }
            }
        }

        return null;
    }

    private static string? Violation(ISymbol symbol, IReadOnlyList<string> allowed, IReadOnlyList<string> sameAs)
    {
        INamedTypeSymbol? type = symbol as INamedTypeSymbol ?? symbol.ContainingType;
        if (symbol is IMethodSymbol { ReducedFrom: { } extension })
        {
            type = extension.ContainingType;
        }

        if (type is null || symbol is ILocalSymbol or IParameterSymbol or IRangeVariableSymbol or ILabelSymbol)
        {
            return null;
        }

        while (type.ContainingType is not null)
        {
            type = type.ContainingType;
        }

        // The cell's own declarations live in the script class; they are checked where they are written.
        if (type.IsScriptClass || type.ContainingAssembly is null || type.ContainingAssembly.Name.StartsWith("cell_", StringComparison.Ordinal))
        {
            return null;
        }

        string ns = type.ContainingNamespace.IsGlobalNamespace ? "" : type.ContainingNamespace.ToDisplayString();
        string typeName = ns.Length == 0 ? type.MetadataName.Split('`')[0] : $"{ns}.{type.MetadataName.Split('`')[0]}";
        string? member = symbol is INamedTypeSymbol || symbol is IMethodSymbol { MethodKind: MethodKind.Constructor } ? null : symbol.Name;
        string? why = ApiRules.Violation(ns, typeName, member, type.ContainingAssembly.Name, allowed, sameAs);
        // The return or field type counts too: Delegate.Method hands out a MethodInfo.
        if (why is null && symbol is IPropertySymbol or IFieldSymbol or IMethodSymbol)
        {
            ITypeSymbol? result = symbol switch
            {
                IPropertySymbol p => p.Type,
                IFieldSymbol f => f.Type,
                IMethodSymbol m => m.ReturnType,
                _ => null,
            };
            if (result is INamedTypeSymbol named && named.SpecialType != SpecialType.System_Void
                && named.ContainingNamespace is { IsGlobalNamespace: false } rns && named.ContainingAssembly is not null
                && !named.ContainingAssembly.Name.StartsWith("cell_", StringComparison.Ordinal))
            {
                string resultNs = rns.ToDisplayString();
                // The same table and the same exercise rules: a member may not hand out what the cell may not name.
                INamedTypeSymbol outer = named;
                while (outer.ContainingType is not null)
                {
                    outer = outer.ContainingType;
                }

                why = ApiRules.Violation(resultNs, $"{resultNs}.{outer.MetadataName.Split('`')[0]}", null, named.ContainingAssembly.Name, allowed, sameAs);
            }
        }

        return why;
    }

    private static int Line(SyntaxNode node) => Math.Max(1, node.GetLocation().GetLineSpan().StartLinePosition.Line);
}
