using Attention;
using CsCheck;

namespace Attention.Tests;

/// <summary>
/// A random decoder problem shared by the KV-cache, sliding-window and ALiBi properties: B sequences of N tokens,
/// Hq = kvHeads · group query heads (group = 1 is MHA, kvHeads = 1 is MQA), key size d, value size dv, and a
/// chunk size for multi-token decode steps.
/// </summary>
public sealed record DecoderCase(int B, int KvHeads, int Group, int D, int Dv, int N, int Chunk, int Seed)
{
    public int Hq => KvHeads * Group;

    public Tensor Q => Tensor.Random(Seed, [B, Hq, N, D]);

    public Tensor K => Tensor.Random(Seed + 1, [B, KvHeads, N, D]);

    public Tensor V => Tensor.Random(Seed + 2, [B, KvHeads, N, Dv]);

    public static Gen<DecoderCase> Cases { get; } = Gen.Select(
        Gen.Int[1, 2], Gen.Int[1, 3], Gen.Int[1, 3], Gen.Int[1, 6],
        Gen.Int[1, 5], Gen.Int[1, 9], Gen.Int[2, 4], Gen.Int[0, 1_000_000],
        (B, kv, g, d, dv, n, chunk, seed) => new DecoderCase(B, kv, g, d, dv, n, chunk, seed));

    /// <summary>Tokens from .. from + count − 1 of X [B, H, N, e] as a new [B, H, count, e].</summary>
    public static Tensor Tokens(Tensor X, int from, int count)
    {
        int B = X.Dim(0), H = X.Dim(1), e = X.Dim(3);
        var part = new Tensor(B, H, count, e);
        for (int b = 0; b < B; b++)
        {
            for (int h = 0; h < H; h++)
            {
                for (int t = 0; t < count; t++)
                {
                    X.Row(b, h, from + t).CopyTo(part.Row(b, h, t));
                }
            }
        }

        return part;
    }

    /// <summary>Writes part [B, H, count, e] into tokens from .. of X.</summary>
    public static void SetTokens(Tensor X, int from, Tensor part)
    {
        for (int b = 0; b < part.Dim(0); b++)
        {
            for (int h = 0; h < part.Dim(1); h++)
            {
                for (int t = 0; t < part.Dim(2); t++)
                {
                    part.Row(b, h, t).CopyTo(X.Row(b, h, from + t));
                }
            }
        }
    }

    /// <summary>
    /// Every way to run the sequence: a prompt of P = 0..N tokens (P = 0: no prefill), then the rest in steps of
    /// 1 token and in steps of <see cref="Chunk"/> tokens (the last step may be shorter). Yields (P, step).
    /// </summary>
    public IEnumerable<(int Prompt, int Step)> Splits()
    {
        for (int P = 0; P <= N; P++)
        {
            yield return (P, 1);
            yield return (P, Chunk);
        }
    }

    /// <summary>
    /// Runs one split: <paramref name="prefill"/>(from=0, count=P) if P &gt; 0, then <paramref name="decode"/>(from, count)
    /// per step, each returning O [B, Hq, count, Dv]; returns the outputs assembled as [B, Hq, N, Dv].
    /// </summary>
    public Tensor Run(int P, int step, Func<int, int, Tensor> prefill, Func<int, int, Tensor> decode)
    {
        var O = new Tensor(B, Hq, N, Dv);
        if (P > 0)
        {
            SetTokens(O, 0, prefill(0, P));
        }

        for (int t = P; t < N; t += step)
        {
            int count = Math.Min(step, N - t);
            SetTokens(O, t, decode(t, count));
        }

        return O;
    }
}
