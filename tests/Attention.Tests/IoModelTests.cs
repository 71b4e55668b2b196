using Attention;
using CsCheck;

namespace Attention.Tests;

public class IoModelTests
{
    [Fact]
    public void TinyCaseCountedByHand()
    {
        // N = 8, d = 2, M = 16: Bc = ⌈16 / 8⌉ = 2, Br = min(2, 2) = 2, Tr = Tc = 4.
        var io = IoModel.Tiled(N: 8, d: 2, M: 16);
        Assert.Equal((2, 2, 4, 4, 16L), (io.Br, io.Bc, io.Tr, io.Tc, io.Tiles));
        // Reads: K and V once (2 · 8 · 2 = 32); each of the 16 tiles reads Q_i, O_i (2 · 2 · 2 = 8) and ℓ_i, m_i (2 · 2 = 4).
        Assert.Equal(32 + 16 * (8 + 4), io.Reads);
        // Writes: initial O, ℓ, m (16 + 8 + 8 = 32); each tile writes O_i (4), ℓ_i and m_i (4).
        Assert.Equal(32 + 16 * (4 + 4), io.Writes);
        Assert.Equal(384, io.Total);

        // N = 7, M = 14: Bc = ⌈14 / 8⌉ = 2 = Br, Tr = Tc = 4, the last blocks hold one row.
        var ragged = IoModel.Tiled(N: 7, d: 2, M: 14);
        Assert.Equal((4, 4), (ragged.Tr, ragged.Tc));
        // Per K/V block: all of Q and O (2 · 7 · 2 = 28) and all of ℓ, m (14). Plus K, V once (28).
        Assert.Equal(28 + 4 * (28 + 14), ragged.Reads);
        // Initial O, ℓ, m (14 + 14), then per K/V block all of O, ℓ, m (14 + 14).
        Assert.Equal(28 + 4 * 28, ragged.Writes);

        // Standard, N = 4, d = 2: reads Q, K (16), S (16), P (16), V (8); writes S, P (32), O (8).
        var standard = IoModel.Standard(N: 4, d: 2, M: 8);
        Assert.Equal((16 + 16 + 16 + 8, 32 + 8), (standard.Reads, standard.Writes));
    }

    [Fact]
    public void TiledCountsMatchTheirClosedFormOnRandomSizes()
    {
        Gen.Select(Gen.Int[1, 300], Gen.Int[1, 64], Gen.Double[0, 1]).Sample((N, d, u) =>
        {
            long M = d + (long)(u * ((long)N * d - d));
            long Bc = Math.Min(N, (M + 4L * d - 1) / (4L * d)), Br = Math.Min(Bc, d);
            long Tc = (N + Bc - 1) / Bc;
            var io = IoModel.Tiled(N, d, M);
            Assert.Equal((Bc, Br, Tc, (N + Br - 1) / Br), ((long)io.Bc, (long)io.Br, (long)io.Tc, (long)io.Tr));
            Assert.Equal(2L * N * d + Tc * (2L * N * d + 2L * N), io.Reads);
            Assert.Equal((long)N * d + 2L * N + Tc * ((long)N * d + 2L * N), io.Writes);
        });
    }

    [Fact]
    public void TiledCountStaysWithinConstantsOfNSquaredDSquaredOverM()
    {
        // Bc ≥ M/4d gives Tc ≤ 4Nd/M + 1, so total ≤ (12 + 16/d + 3 + 4/d + 3)·N²d²/M; Bc ≤ M/4d + 1 and M ≥ d give ≥ 3.
        foreach (int N in new[] { 64, 256, 1024, 4096 })
        {
            foreach (int d in new[] { 16, 64, 128 })
            {
                foreach (long M in new long[] { d, 4 * d, 5 * d, (long)d * d, 4L * d * d, (long)N * d / 4, (long)N * d })
                {
                    if (M < d || M > (long)N * d)
                    {
                        continue;
                    }

                    double ratio = IoModel.Tiled(N, d, M).Total / IoModel.TiledBound(N, d, M);
                    Assert.InRange(ratio, 2.0, 24.0);
                }
            }
        }
    }

    [Fact]
    public void StandardCountStaysWithinConstantsOfNdPlusNSquared()
    {
        foreach (int N in new[] { 16, 256, 1024, 8192 })
        {
            foreach (int d in new[] { 16, 64, 128 })
            {
                double ratio = IoModel.Standard(N, d, d).Total / IoModel.StandardBound(N, d);
                Assert.InRange(ratio, 1.0, 8.0);
            }
        }
    }

    [Theory]
    [InlineData(8192, 64)]
    [InlineData(4096, 128)]
    public void DoublingFastMemoryRoughlyHalvesTheTiledCount(int N, int d)
    {
        for (long M = 4L * d * d; 2 * M <= (long)N * d / 8; M *= 2)
        {
            double ratio = (double)IoModel.Tiled(N, d, M).Total / IoModel.Tiled(N, d, 2 * M).Total;
            Assert.InRange(ratio, 1.6, 2.2);
        }
    }

    [Theory]
    [InlineData(1024, 64)]
    [InlineData(1024, 128)]
    [InlineData(2048, 64)]
    [InlineData(2048, 128)]
    [InlineData(4096, 64)]
    [InlineData(4096, 128)]
    [InlineData(8192, 64)]
    [InlineData(8192, 128)]
    public void TiledMovesLessThanStandardForTypicalSizes(int N, int d)
    {
        long M = Math.Min(100_000, (long)N * d); // the paper's "M around 100KB", taken as elements (at most all of Q)
        Assert.True(IoModel.Tiled(N, d, M).Total < IoModel.Standard(N, d, M).Total);
    }

    [Fact]
    public void TilingDoesNotPayWhenDSquaredIsNotSmallAgainstM()
    {
        // With M = d², Tc = 4N/d K/V blocks each stream Q and O again: more traffic than writing S and P out.
        Assert.True(IoModel.Tiled(1024, 128, 128 * 128).Total > IoModel.Standard(1024, 128, 128 * 128).Total);
    }

    [Theory]
    [InlineData(0, 4, 4, "N")]
    [InlineData(4, 0, 4, "d")]
    [InlineData(4, 8, 7, "M")]
    [InlineData(4, 8, 33, "M")]
    public void BadSizesAreRejected(int N, int d, long M, string argument)
    {
        Assert.Equal(argument, Assert.Throws<ArgumentOutOfRangeException>(() => IoModel.Tiled(N, d, M)).ParamName);
        Assert.Equal(argument, Assert.Throws<ArgumentOutOfRangeException>(() => IoModel.Standard(N, d, M)).ParamName);
    }
}
