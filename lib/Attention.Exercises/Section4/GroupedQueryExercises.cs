namespace Attention;

/// <summary>Notebook 4.5: grouped-query attention, the KV cache it shrinks, and repeating KV heads.</summary>
internal static class GroupedQueryExercises
{
    public static Exercise[] All =>
    [
        new Exercise<Func<int, int, int, int>>(
            "4.5a", "Which KV head a query head reads", 1, "04.5",
            "int KvHeadFor(int queryHead, int nHeads, int nKvHeads)",
            "query head h of nHeads reads KV head ⌊h / (nHeads / nKvHeads)⌋.",
            """
            int KvHeadFor(int queryHead, int nHeads, int nKvHeads)
            {
                int groupSize = nHeads / nKvHeads;
                return queryHead / groupSize;
            }
            """,
            KvHeads("multi-head: 4 query heads, 4 KV heads", 4, 4),
            KvHeads("grouped: 8 query heads, 2 KV heads", 8, 2),
            KvHeads("multi-query: 6 query heads, 1 KV head", 6, 1),
            KvHeads("Llama-3-8B: 32 query heads, 8 KV heads", 32, 8)),
    ];

    private static GradedCase<Func<int, int, int, int>> KvHeads(string name, int nHeads, int nKvHeads) =>
        new(name, f =>
        {
            for (int h = 0; h < nHeads; h++)
            {
                int expected = ScaledDotProductAttention.KvHead(h, nHeads, nKvHeads);
                CaseResult result = Cases.Attempt(
                    name, () => f(h, nHeads, nKvHeads),
                    got => got == expected ? null : $"query head {h} should read KV head {expected}, got {got}",
                    $"consecutive groups of nHeads / nKvHeads = {nHeads / nKvHeads} query heads share one KV head.");
                if (!result.Passed)
                {
                    return result;
                }
            }

            return CaseResult.Pass(name);
        });
}
