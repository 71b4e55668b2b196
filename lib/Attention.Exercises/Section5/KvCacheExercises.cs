using Attention;
using Course.Grading;

namespace Attention.Exercises;

/// <summary>
/// Notebook 5.2: one decode step against a KV cache (a chunk of several new tokens, an empty cache), and one against a
/// sliding-window rolling buffer (not yet full, just full, wrapped).
/// </summary>
internal static class KvCacheExercises
{
    /// <summary>Exercise 5.2a: the function the student writes.</summary>
    public delegate Tensor DecodeStep(Tensor Kcache, Tensor Vcache, Tensor q, Tensor k, Tensor v);

    /// <summary>Exercise 5.2b: the function the student writes.</summary>
    public delegate Tensor WindowDecodeStep(Tensor Kbuf, Tensor Vbuf, int position, Tensor q, Tensor k, Tensor v);

    internal static readonly LibraryMember[] Attends =
    [
        typeof(ScaledDotProductAttention), typeof(CachedAttention), typeof(KvCache), typeof(SlidingWindowKvCache),
        typeof(Softmax), typeof(OnlineSoftmax), typeof(FlashAttention), typeof(MultiHeadAttention),
        typeof(GroupedQueryAttention), typeof(CrossAttention), typeof(SparseAttention), typeof(Mask),
    ];

    public static Exercise[] All =>
    [
        new Exercise<DecodeStep>
        {
            Id = "5.2a",
            Title = "A decode step against the cache",
            Points = 3,
            Notebook = "05.2",
            Task = "Kcache, Vcache [B, H, S, d] hold S earlier tokens (S may be 0); q, k, v [B, H, T, d] are T new tokens. Append k, v to the cache, then return each new query's attention output over the S + T keys it may see, [B, H, T, d]: new token t sees every cached key and the new keys 0..t.",
            SameAs = Attends,
            Cases =
            [
                Step("a first token against an empty cache: S = 0, T = 1", B: 1, H: 2, S: 0, T: 1, d: 4, seed: 521),
                Step("one new token after 6 cached: S = 6, T = 1", B: 2, H: 3, S: 6, T: 1, d: 5, seed: 522),
                Step("a chunk of 3 new tokens after 4 cached: S = 4, T = 3", B: 1, H: 2, S: 4, T: 3, d: 4, seed: 523),
                Step("a chunk into an empty cache is a causal prefill: S = 0, T = 5", B: 1, H: 1, S: 0, T: 5, d: 6, seed: 524),
            ],
        },

        new Exercise<WindowDecodeStep>
        {
            Id = "5.2b",
            Title = "A decode step against a rolling buffer",
            Points = 3,
            Notebook = "05.2",
            Task = "A sliding window of W keys (the query's own included) with a rolling buffer: Kbuf, Vbuf [B, H, W, d], slot s holds the latest earlier token p with p mod W = s; slots no token has reached yet hold leftovers to ignore. q, k, v [B, H, 1, d] are the token at `position`. Write k, v into slot position mod W (in place), then return its attention output [B, H, 1, d] over positions max(0, position − W + 1) .. position.",
            SameAs = Attends,
            Cases =
            [
                Rolling("the first token: position 0, W = 4, every slot holds leftovers", B: 1, H: 2, W: 4, position: 0, seed: 525),
                Rolling("a buffer not yet full: position 2, W = 5", B: 2, H: 2, W: 5, position: 2, seed: 526),
                Rolling("the buffer just full: position 5, W = 6", B: 1, H: 3, W: 6, position: 5, seed: 527),
                Rolling("a full buffer wraps: position 13, W = 5 writes slot 3", B: 1, H: 2, W: 5, position: 13, seed: 528),
                Rolling("W = 1: the token sees only itself", B: 1, H: 1, W: 1, position: 7, seed: 529),
            ],
        },
    ];

    // The rolling buffer of a sequence of position + 1 tokens after tokens 0 .. position − 1 were written; leftovers are
    // large so that attending to them cannot pass. Expected: sliding-window attention over the whole sequence, last row.
    private static GradedCase Rolling(string name, int B, int H, int W, int position, int seed)
    {
        const int d = 4;
        Tensor Kall() => Tensor.Random(seed, [B, H, position + 1, d]);
        Tensor Vall() => Tensor.Random(seed + 1, [B, H, position + 1, d]);
        Tensor Last(Tensor all) => Slice(all, position, 1);
        Tensor Buffer(Tensor all, int leftoverSeed)
        {
            Tensor buffer = Tensor.Random(leftoverSeed, [B, H, W, d], sigma: 50);
            for (int p = Math.Max(0, position - W); p < position; p++)
            {
                for (int b = 0; b < B; b++)
                {
                    for (int h = 0; h < H; h++)
                    {
                        all.Row(b, h, p).CopyTo(buffer.Row(b, h, p % W));
                    }
                }
            }

            return buffer;
        }

        string hint = $"slot position mod W = {position % W}; the keys to attend are the buffer slots of positions {Math.Max(0, position - W + 1)} .. {position} (the order of keys does not change attention), never a slot no token has reached.";
        return Cases.Single(
            name,
            () => [Buffer(Kall(), seed + 2), Buffer(Vall(), seed + 3), position, Tensor.Random(seed + 4, [B, H, 1, d]), Last(Kall()), Last(Vall())],
            hint,
            (output, call) =>
            {
                Tensor expected = ScaledDotProductAttention.Forward(
                    Tensor.Random(seed + 4, [B, H, 1, d]), Kall(), Vall(), mask: Mask.SlidingWindow(1, position + 1, W));
                if (Cases.CompareTensors(expected, output as Tensor, Cases.Tolerance, output) is { } wrong)
                {
                    return wrong;
                }

                // The buffers after the call: slot position mod W now holds the new k, v; every other slot is as it was.
                Tensor Kexpected = Buffer(Kall(), seed + 2), Vexpected = Buffer(Vall(), seed + 3);
                for (int b = 0; b < B; b++)
                {
                    for (int h = 0; h < H; h++)
                    {
                        Kall().Row(b, h, position).CopyTo(Kexpected.Row(b, h, position % W));
                        Vall().Row(b, h, position).CopyTo(Vexpected.Row(b, h, position % W));
                    }
                }

                return Cases.CompareTensors(Kexpected, call.After[0] as Tensor, 0, call.After[0]) is { } k
                    ? $"Kbuf after the call: {k}"
                    : Cases.CompareTensors(Vexpected, call.After[1] as Tensor, 0, call.After[1]) is { } v ? $"Vbuf after the call: {v}" : null;
            });
    }

    private static Tensor Slice(Tensor all, int from, int count)
    {
        int B = all.Dim(0), H = all.Dim(1), S = all.Dim(2), d = all.Dim(3);
        var part = new Tensor(B, H, count, d);
        for (int b = 0; b < B; b++)
        {
            for (int h = 0; h < H; h++)
            {
                all.Data.AsSpan((((b * H) + h) * S * d) + (from * d), count * d).CopyTo(part.Data.AsSpan(((b * H) + h) * count * d, count * d));
            }
        }

        return part;
    }

    // Expected: the full causal attention over all S + T tokens, read at the last T rows — cached decode must equal it.
    private static GradedCase Step(string name, int B, int H, int S, int T, int d, int seed) =>
        Cases.Tensor(
            name,
            () =>
            {
                var (Kc, Vc, q, k, v) = Inputs(B, H, S, T, d, seed);
                Tensor Kall = Concat(Kc, k), Vall = Concat(Vc, v);
                return ScaledDotProductAttention.Forward(q, Kall, Vall, causal: CausalAlignment.BottomRight);
            },
            () =>
            {
                var (Kc, Vc, q, k, v) = Inputs(B, H, S, T, d, seed);
                return [Kc, Vc, q, k, v];
            },
            "concatenate along the token axis (cache first), scale scores by 1/√d, and mask new token t's scores for keys beyond S + t before the softmax.");

    private static (Tensor Kc, Tensor Vc, Tensor q, Tensor k, Tensor v) Inputs(int B, int H, int S, int T, int d, int seed) =>
        (S == 0 ? new Tensor(B, H, 0, d) : Tensor.Random(seed, [B, H, S, d]),
         S == 0 ? new Tensor(B, H, 0, d) : Tensor.Random(seed + 1, [B, H, S, d]),
         Tensor.Random(seed + 2, [B, H, T, d]), Tensor.Random(seed + 3, [B, H, T, d]), Tensor.Random(seed + 4, [B, H, T, d]));

    private static Tensor Concat(Tensor a, Tensor b)
    {
        int B = a.Dim(0), H = a.Dim(1), Sa = a.Dim(2), Sb = b.Dim(2), d = a.Dim(3);
        var all = new Tensor(B, H, Sa + Sb, d);
        for (int x = 0; x < B; x++)
        {
            for (int h = 0; h < H; h++)
            {
                // Offsets computed directly: an empty cache (Sa = 0) has no index to ask for.
                int start = ((x * H) + h) * (Sa + Sb) * d;
                a.Data.AsSpan(((x * H) + h) * Sa * d, Sa * d).CopyTo(all.Data.AsSpan(start, Sa * d));
                b.Data.AsSpan(((x * H) + h) * Sb * d, Sb * d).CopyTo(all.Data.AsSpan(start + (Sa * d), Sb * d));
            }
        }

        return all;
    }
}
