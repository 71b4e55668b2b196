using Attention;
using CsCheck;

namespace Attention.Tests;

public class PagedKvCacheTests
{
    [Fact]
    public void Interleaved_sequences_read_back_what_they_wrote_and_attend_like_contiguous_caches()
    {
        Gen.Select(Gen.Int[1, 5], Gen.Int[1, 3], Gen.Int[1, 3], Gen.Int[1, 19], Gen.Int[0, 100_000]).Sample((blockSize, kvHeads, group, d, seed) =>
        {
            var random = new Random(seed);
            var pool = new KvBlockPool(64, blockSize, kvHeads, d);
            var sequences = Enumerable.Range(0, 3).Select(_ => (Paged: new PagedKvCache(pool), K: new List<Tensor>(), V: new List<Tensor>())).ToArray();

            // Appends of 1–4 tokens to sequences in random order: their blocks interleave in the pool.
            for (int step = 0; step < 12; step++)
            {
                var s = sequences[random.Next(3)];
                int T = random.Next(1, 5);
                Tensor K = Tensor.Random(random.Next(), [1, kvHeads, T, d]), V = Tensor.Random(random.Next(), [1, kvHeads, T, d]);
                s.Paged.Append(K, V);
                s.K.Add(K);
                s.V.Add(V);
            }

            foreach (var (paged, ks, vs) in sequences.Where(s => s.Paged.Length > 0))
            {
                Tensor K = Concat(ks), V = Concat(vs);
                Assert.Equal(K.Data, paged.Keys.Data);
                Assert.Equal(V.Data, paged.Values.Data);
                Assert.True(paged.ReservedSlots - paged.Length is >= 0 and < int.MaxValue && paged.ReservedSlots - paged.Length < blockSize);
                Tensor q = Tensor.Random(seed, [1, kvHeads * group, 1, d]);
                Assert.True(Tensor.MaxAbsDiff(paged.Attend(q), ScaledDotProductAttention.Forward(q, K, V)) < 1e-5);
            }
        });
    }

    [Fact]
    public void Blocks_come_back_on_release_and_an_empty_pool_says_so()
    {
        var pool = new KvBlockPool(3, 2, 1, 1);
        var a = new PagedKvCache(pool);
        a.Append(new Tensor(1, 1, 5, 1), new Tensor(1, 1, 5, 1));
        Assert.Equal(3, a.BlockTable.Count);
        Assert.Equal(0, pool.FreeBlocks);
        var b = new PagedKvCache(pool);
        var ex = Assert.Throws<InvalidOperationException>(() => b.Append(new Tensor(1, 1, 1, 1), new Tensor(1, 1, 1, 1)));
        Assert.Contains("all 3 blocks", ex.Message);
        a.Release();
        Assert.Equal(3, pool.FreeBlocks);
        b.Append(new Tensor(1, 1, 1, 1), new Tensor(1, 1, 1, 1));
        Assert.Throws<ArgumentException>(() => pool.Free(b.BlockTable[0] == 0 ? 1 : 0));
        var shape = Assert.Throws<ArgumentException>(() => b.Append(new Tensor(1, 2, 1, 1), new Tensor(1, 2, 1, 1)));
        Assert.Contains("Knew", shape.Message);
    }

    private static Tensor Concat(List<Tensor> parts)
    {
        int H = parts[0].Dim(1), d = parts[0].Dim(3), T = parts.Sum(p => p.Dim(2));
        var all = new Tensor(1, H, T, d);
        for (int h = 0; h < H; h++)
        {
            int t = 0;
            foreach (var p in parts)
            {
                for (int k = 0; k < p.Dim(2); k++)
                {
                    p.Row(0, h, k).CopyTo(all.Row(0, h, t++));
                }
            }
        }

        return all;
    }
}
