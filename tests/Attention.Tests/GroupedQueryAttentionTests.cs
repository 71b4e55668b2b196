using Attention;
using CsCheck;

namespace Attention.Tests;

public class GroupedQueryAttentionTests
{
    /// <summary>Random GQA shapes: h_kv KV heads, each shared by group query heads (h = h_kv · group).</summary>
    public sealed record Case(int B, int N, int KvHeads, int Group, int Dk, int DModel, bool Bias, int Seed)
    {
        public int Heads => KvHeads * Group;

        public GroupedQueryAttention Module()
        {
            Tensor W(int k, int rows, int cols) => Tensor.Random(Seed + k, [rows, cols], 1 / Math.Sqrt(rows));
            Tensor? b(int k, int n) => Bias ? Tensor.Random(Seed + k, [n], 0.5) : null;
            return new GroupedQueryAttention(
                W(1, DModel, Heads * Dk), W(2, DModel, KvHeads * Dk), W(3, DModel, KvHeads * Dk), W(4, Heads * Dk, DModel), Heads, KvHeads,
                b(5, Heads * Dk), b(6, KvHeads * Dk), b(7, KvHeads * Dk), b(8, DModel));
        }

        public Tensor X => Tensor.Random(Seed, [B, N, DModel]);
    }

    private static readonly Gen<Case> Cases =
        from B in Gen.Int[1, 2]
        from N in Gen.Int[1, 6]
        from kv in Gen.Int[1, 3]
        from g in Gen.Int[1, 3]
        from dk in Gen.Int[1, 4]
        from dModel in Gen.Int[1, 8]
        from bias in Gen.Bool
        from seed in Gen.Int[0, 1_000_000]
        select new Case(B, N, kv, g, dk, dModel, bias, seed);

    [Fact]
    public void MatchesFloat64Definition()
    {
        Cases.Sample(c =>
        {
            var m = c.Module();
            var expected = MultiHeadReference.Forward(
                c.X, c.X, m.WQ, m.WK, m.WV, m.WO, c.Heads, c.KvHeads, m.BQ, m.BK, m.BV, m.BO, (b, h, i, j) => j <= i);
            Assert.True(MultiHeadReference.MaxAbsDiff(m.Forward(c.X, causal: CausalAlignment.TopLeft), expected) < 1e-4);
        });
    }

    [Fact]
    public void WithAsManyKvHeadsAsQueryHeadsItIsMultiHeadAttention()
    {
        Cases.Select(c => c with { Group = 1 }).Sample(c =>
        {
            var g = c.Module();
            var m = new MultiHeadAttention(g.WQ, g.WK, g.WV, g.WO, g.Heads, g.BQ, g.BK, g.BV, g.BO);
            Assert.Equal(m.Forward(c.X, causal: CausalAlignment.TopLeft).Data, g.Forward(c.X, causal: CausalAlignment.TopLeft).Data);
            Assert.Equal(m.ParameterCount, g.ParameterCount);
        });
    }

    [Fact]
    public void EqualsMultiHeadAttentionOverRepeatedKeysAndValues()
    {
        Cases.Sample(c =>
        {
            var t = c.Module().Trace(c.X, causal: CausalAlignment.TopLeft);
            Assert.Equal([c.B, c.KvHeads, c.N, c.Dk], t.K.Shape);
            var repeated = ScaledDotProductAttention.Forward(
                t.Q, GroupedQueryAttention.RepeatKv(t.K, c.Group), GroupedQueryAttention.RepeatKv(t.V, c.Group), causal: CausalAlignment.TopLeft);
            Assert.True(Reference.MaxAbsDiff(t.HeadOutputs, repeated) < 1e-6);
        });
    }

    [Fact]
    public void RepeatKvCopiesKvHeadHOverNRepIntoHeadH()
    {
        Gen.Select(Gen.Int[1, 2], Gen.Int[1, 3], Gen.Int[1, 4], Gen.Int[1, 3], Gen.Int[1, 3]).Sample((B, Hkv, S, d, nRep) =>
        {
            var kv = Tensor.Random(B + (7 * Hkv) + (31 * S), [B, Hkv, S, d]);
            var r = GroupedQueryAttention.RepeatKv(kv, nRep);
            Assert.Equal([B, Hkv * nRep, S, d], r.Shape);
            for (int b = 0; b < B; b++)
            {
                for (int h = 0; h < Hkv * nRep; h++)
                {
                    for (int j = 0; j < S; j++)
                    {
                        Assert.Equal(kv.Row(b, h / nRep, j).ToArray(), r.Row(b, h, j).ToArray());
                    }
                }
            }
        });
    }

    [Fact]
    public void PerHeadLoopEqualsBatchedForm()
    {
        Cases.Sample(c =>
        {
            var m = c.Module();
            Assert.True(Reference.MaxAbsDiff(m.Forward(c.X, causal: CausalAlignment.TopLeft), m.ForwardPerHead(c.X, causal: CausalAlignment.TopLeft)) < 1e-5);
        });
    }

    [Fact]
    public void MultiQueryAttentionSharesOneKvHead()
    {
        var mqa = GroupedQueryAttention.Random(3, 16, 4, 1);
        Assert.Equal((4, 1, 4, 4), (mqa.Heads, mqa.KvHeads, mqa.GroupSize, mqa.KvWidth));
        Assert.Equal((16L * 16) + (2 * 16 * 4) + (16 * 16), mqa.ParameterCount);
        var X = Tensor.Random(4, [2, 5, 16]);
        var t = mqa.Trace(X);
        Assert.Equal([2, 1, 5, 4], t.K.Shape);
        var expected = MultiHeadReference.Forward(X, X, mqa.WQ, mqa.WK, mqa.WV, mqa.WO, 4, 1);
        Assert.True(MultiHeadReference.MaxAbsDiff(t.Output, expected) < 1e-4);
    }

    [Fact]
    public void KvHeadsThatDoNotDivideHeadsAreAClearError()
    {
        var ex = Assert.Throws<ArgumentException>(() => GroupedQueryAttention.Random(1, 12, 6, 4));
        Assert.Equal("kvHeads", ex.ParamName);
        Assert.Contains("kvHeads (4) must divide heads (6)", ex.Message);
        var fromTensors = Assert.Throws<ArgumentException>(
            () => new GroupedQueryAttention(new Tensor(8, 8), new Tensor(8, 6), new Tensor(8, 6), new Tensor(8, 8), 4, 3));
        Assert.Equal("kvHeads", fromTensors.ParamName);
        var width = Assert.Throws<ArgumentException>(
            () => new GroupedQueryAttention(new Tensor(8, 8), new Tensor(8, 8), new Tensor(8, 4), new Tensor(8, 8), 4, 2));
        Assert.Equal("WK", width.ParamName);
        Assert.Contains("[*, 4]", width.Message);
        Assert.Contains("[8, 8]", width.Message);
        var repeat = Assert.Throws<ArgumentException>(() => GroupedQueryAttention.RepeatKv(new Tensor(2, 3, 4), 2));
        Assert.Equal("kv", repeat.ParamName);
        Assert.Contains("[2, 3, 4]", repeat.Message);
    }
}
