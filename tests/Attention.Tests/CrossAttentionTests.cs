using Attention;
using CsCheck;

namespace Attention.Tests;

public class CrossAttentionTests
{
    /// <summary>Decoder queries Lq × d_model over a memory Lk × d_mem with a random padding pattern per batch row.</summary>
    public sealed record Case(int B, int Lq, int Lk, int Heads, int DModelPerHead, int DMemory, int Seed)
    {
        public int DModel => Heads * DModelPerHead;

        public CrossAttention Module() => CrossAttention.Random(Seed, DModel, DMemory, Heads, bias: Seed % 2 == 0);

        public Tensor Xq => Tensor.Random(Seed + 1, [B, Lq, DModel]);

        public Tensor Memory => Tensor.Random(Seed + 2, [B, Lk, DMemory]);

        /// <summary>Each batch row keeps a random-length prefix of real memory (at least one), the rest is padding.</summary>
        public bool[,] IsReal()
        {
            var rng = new Random(Seed + 3);
            var real = new bool[B, Lk];
            for (int b = 0; b < B; b++)
            {
                int length = rng.Next(1, Lk + 1);
                for (int j = 0; j < length; j++)
                {
                    real[b, j] = true;
                }
            }

            return real;
        }
    }

    private static readonly Gen<Case> Cases =
        from B in Gen.Int[1, 3]
        from Lq in Gen.Int[1, 5]
        from Lk in Gen.Int[1, 7]
        from h in Gen.Int[1, 3]
        from d in Gen.Int[1, 3]
        from dMem in Gen.Int[1, 6]
        from seed in Gen.Int[0, 1_000_000]
        select new Case(B, Lq, Lk, h, d, dMem, seed);

    [Fact]
    public void MatchesFloat64DefinitionWithPadding()
    {
        Cases.Sample(c =>
        {
            var m = c.Module().Attention;
            var real = c.IsReal();
            var Y = c.Module().Forward(c.Xq, c.Memory, real);
            Assert.Equal([c.B, c.Lq, c.DModel], Y.Shape);
            var expected = MultiHeadReference.Forward(
                c.Xq, c.Memory, m.WQ, m.WK, m.WV, m.WO, c.Heads, c.Heads, m.BQ, m.BK, m.BV, m.BO, (b, h, i, j) => real[b, j]);
            Assert.True(MultiHeadReference.MaxAbsDiff(Y, expected) < 1e-4);
        });
    }

    [Fact]
    public void PaddedMemoryGetsZeroWeightAndNeverChangesOutputs()
    {
        Cases.Sample(c =>
        {
            var cross = c.Module();
            var real = c.IsReal();
            var t = cross.Trace(c.Xq, c.Memory, real);
            Assert.Equal([c.B, c.Heads, c.Lq, c.Lk], t.Weights.Shape);
            var scribbled = c.Memory.Clone();
            for (int b = 0; b < c.B; b++)
            {
                for (int j = 0; j < c.Lk; j++)
                {
                    if (!real[b, j])
                    {
                        scribbled.Row(b, j).Fill(1e3f);
                        for (int h = 0; h < c.Heads; h++)
                        {
                            for (int i = 0; i < c.Lq; i++)
                            {
                                Assert.Equal(0f, t.Weights[b, h, i, j]);
                            }
                        }
                    }
                }
            }

            Assert.Equal(t.Output.Data, cross.Forward(c.Xq, scribbled, real).Data);
        });
    }

    [Fact]
    public void QueryAndMemoryLengthsAreIndependent()
    {
        var cross = CrossAttention.Random(1, 8, 5, 2);
        Assert.Equal((8, 5), (cross.ModelDim, cross.MemoryDim));
        Assert.Equal([1, 3, 8], cross.Forward(Tensor.Random(2, [1, 3, 8]), Tensor.Random(3, [1, 11, 5])).Shape);
        Assert.Equal([1, 9, 8], cross.Forward(Tensor.Random(2, [1, 9, 8]), Tensor.Random(3, [1, 2, 5])).Shape);
        Assert.Throws<InvalidOperationException>(() => cross.Attention.Forward(Tensor.Random(2, [1, 3, 8])));
    }

    [Fact]
    public void BadInputNamesTheArgumentAndShapes()
    {
        var cross = CrossAttention.Random(1, 8, 5, 2);
        var Xq = new Tensor(2, 3, 8);
        var memory = new ArgumentException[]
        {
            Assert.Throws<ArgumentException>(() => cross.Forward(Xq, new Tensor(2, 4, 6))),
            Assert.Throws<ArgumentException>(() => cross.Forward(Xq, new Tensor(4, 5))),
        };
        Assert.All(memory, ex => Assert.Equal("memory", ex.ParamName));
        Assert.Contains("[2, *, 5]", memory[0].Message);
        Assert.Contains("[2, 4, 6]", memory[0].Message);
        var padding = Assert.Throws<ArgumentException>(() => cross.Forward(Xq, new Tensor(2, 4, 5), new bool[2, 3]));
        Assert.Equal("memoryIsReal", padding.ParamName);
        Assert.Contains("[2, 4]", padding.Message);
        Assert.Contains("[2, 3]", padding.Message);
        var queries = Assert.Throws<ArgumentException>(() => cross.Forward(new Tensor(2, 3, 5), new Tensor(2, 4, 5)));
        Assert.Equal("Xq", queries.ParamName);
        var batch = Assert.Throws<ArgumentException>(() => cross.Forward(Xq, new Tensor(1, 4, 5)));
        Assert.Equal("memory", batch.ParamName);
        Assert.Contains("[1, 4, 5]", batch.Message);
    }
}
