using Attention;
using CsCheck;

namespace Attention.Tests;

public class ScaledDotProductAttentionTests
{
    /// <summary>A random problem: shapes B, Hq, H (dividing Hq), L, S, E, Ev and a seed for the tensors and the mask.</summary>
    public sealed record Case(int B, int Hq, int H, int L, int S, int E, int Ev, int Seed)
    {
        public Tensor Q => Tensor.Random(Seed, [B, Hq, L, E]);

        public Tensor K => Tensor.Random(Seed + 1, [B, H, S, E]);

        public Tensor V => Tensor.Random(Seed + 2, [B, H, S, Ev]);

        /// <summary>A random [B, 1, L, S] mask (about a third hidden), so some rows may have no visible key.</summary>
        public Mask RandomMask()
        {
            var rng = new Random(Seed + 3);
            return new Mask([.. Enumerable.Range(0, B * L * S).Select(_ => rng.Next(3) > 0)], B, 1, L, S);
        }
    }

    private static readonly Gen<Case> Cases =
        from B in Gen.Int[1, 2]
        from H in Gen.Int[1, 2]
        from g in Gen.Int[1, 3]
        from L in Gen.Int[1, 6]
        from S in Gen.Int[1, 7]
        from E in Gen.Int[1, 5]
        from Ev in Gen.Int[1, 4]
        from seed in Gen.Int[0, 1_000_000]
        select new Case(B, H * g, H, L, S, E, Ev, seed);

    private static readonly Gen<Case> MhaCases = Cases.Select(c => c with { H = c.Hq });

    [Theory]
    [InlineData(1, 1, 1, 1, 1, 1)]
    [InlineData(2, 3, 5, 7, 4, 3)]
    [InlineData(1, 4, 3, 9, 8, 16)]
    public void MatchesFloat64Reference(int B, int H, int L, int S, int E, int Ev)
    {
        var Q = Tensor.Random(1, [B, H, L, E]);
        var K = Tensor.Random(2, [B, H, S, E]);
        var V = Tensor.Random(3, [B, H, S, Ev]);
        var O = ScaledDotProductAttention.Forward(Q, K, V);
        Assert.True(Reference.MaxAbsDiff(O, Reference.Attention(Q, K, V)) < 1e-5);
    }

    [Fact]
    public void GroupedQueryAndMaskMatchFloat64Reference()
    {
        Cases.Sample(c =>
        {
            var mask = c.RandomMask();
            var O = ScaledDotProductAttention.Forward(c.Q, c.K, c.V, mask);
            var expected = Reference.Attention(c.Q, c.K, c.V, visible: (b, h, i, j) => mask.IsVisible(b, h, i, j));
            Assert.True(Reference.MaxAbsDiff(O, expected) < 1e-5);
        });
    }

    [Fact]
    public void AdditiveBiasMatchesFloat64Reference()
    {
        Cases.Sample(c =>
        {
            // Bias of shape [Hq, L, S] (broadcast over batch), with an occasional −∞ to hide a key.
            var bias = Tensor.Random(c.Seed + 4, [c.Hq, c.L, c.S], sigma: 2);
            for (int n = 0; n < bias.Length; n += 5)
            {
                bias.Data[n] = float.NegativeInfinity;
            }

            var O = ScaledDotProductAttention.Forward(c.Q, c.K, c.V, bias: bias);
            var expected = Reference.Attention(c.Q, c.K, c.V, bias: (b, h, i, j) => bias[h, i, j]);
            Assert.True(Reference.MaxAbsDiff(O, expected) < 1e-5);
        });
    }

    /// <summary>
    /// Habit 3 as a check: every row's weights sum to one over its visible keys (zero if it has none) and hidden keys
    /// get exactly zero weight. Returns null when it holds, else what failed.
    /// </summary>
    private static string? VisibleRowsSumToOne(Tensor weights, Func<int, int, int, int, bool> visible)
    {
        int B = weights.Dim(0), H = weights.Dim(1), L = weights.Dim(2), S = weights.Dim(3);
        for (int b = 0; b < B; b++)
        {
            for (int h = 0; h < H; h++)
            {
                for (int i = 0; i < L; i++)
                {
                    double sum = 0;
                    bool any = false;
                    for (int j = 0; j < S; j++)
                    {
                        float w = weights[b, h, i, j];
                        if (!visible(b, h, i, j) && w != 0f)
                        {
                            return $"hidden key ({b},{h},{i},{j}) has weight {w}";
                        }

                        any |= visible(b, h, i, j);
                        sum += w;
                    }

                    if (Math.Abs(sum - (any ? 1 : 0)) > 1e-5)
                    {
                        return $"row ({b},{h},{i}) sums to {sum}";
                    }
                }
            }
        }

        return null;
    }

    /// <summary>The classic mistake, on purpose: softmax over all keys, then zero the hidden ones (no renormalisation).</summary>
    private static Tensor WeightsWithMaskAfterSoftmax(Tensor Q, Tensor K, Mask mask)
    {
        var weights = Softmax.LastAxis(ScaledDotProductAttention.Scores(Q, K));
        int B = weights.Dim(0), H = weights.Dim(1), L = weights.Dim(2), S = weights.Dim(3);
        for (int b = 0; b < B; b++)
        {
            for (int h = 0; h < H; h++)
            {
                for (int i = 0; i < L; i++)
                {
                    for (int j = 0; j < S; j++)
                    {
                        if (!mask.IsVisible(b, h, i, j))
                        {
                            weights[b, h, i, j] = 0;
                        }
                    }
                }
            }
        }

        return weights;
    }

    [Fact]
    public void WeightsAloneAndOutputAloneAreTheBitsOfForwardWithWeights()
    {
        // Forward keeps one head's weights at a time in a rented buffer, Weights skips the values: neither may change a bit.
        Gen.Select(Cases, Gen.Bool, Gen.Bool).Sample((c, causal, withBias) =>
        {
            var mask = c.RandomMask();
            var bias = withBias ? Tensor.Random(c.Seed + 4, [c.Hq, c.L, c.S]) : null;
            CausalAlignment? alignment = causal ? CausalAlignment.BottomRight : null;
            var both = ScaledDotProductAttention.ForwardWithWeights(c.Q, c.K, c.V, mask, bias, alignment, scale: 0.7f);
            Assert.Equal(both.Output.Data, ScaledDotProductAttention.Forward(c.Q, c.K, c.V, mask, bias, alignment, scale: 0.7f).Data);
            Assert.Equal(both.Weights!.Data, ScaledDotProductAttention.Weights(c.Q, c.K, mask, bias, alignment, scale: 0.7f).Data);
        });
    }

    [Fact]
    public void WeightsSumToOneOverVisibleKeysAndHiddenKeysGetZero()
    {
        Gen.Select(Cases, Gen.Bool).Sample((c, bottomRight) =>
        {
            var alignment = bottomRight ? CausalAlignment.BottomRight : CausalAlignment.TopLeft;
            var mask = c.RandomMask();
            int offset = Mask.CausalOffset(c.L, c.S, alignment);
            var result = ScaledDotProductAttention.ForwardWithWeights(c.Q, c.K, c.V, mask, causal: alignment);
            Assert.Equal([c.B, c.Hq, c.L, c.S], result.Weights!.Shape);
            Assert.Null(VisibleRowsSumToOne(result.Weights, (b, h, i, j) => mask.IsVisible(b, h, i, j) && j <= i + offset));
        });
    }

    [Fact]
    public void TheRowSumCheckRejectsMaskingAfterSoftmax()
    {
        // Causal with L = S ≥ 2: row 0 hides at least one key, so the wrong order leaves it summing to less than one.
        Gen.Select(MhaCases, Gen.Int[2, 6]).Sample((c, N) =>
        {
            c = c with { L = N, S = N };
            var mask = Mask.Causal(N, N);
            Func<int, int, int, int, bool> visible = (b, h, i, j) => j <= i;
            var right = ScaledDotProductAttention.ForwardWithWeights(c.Q, c.K, c.V, mask).Weights!;
            Assert.Null(VisibleRowsSumToOne(right, visible));
            Assert.NotNull(VisibleRowsSumToOne(WeightsWithMaskAfterSoftmax(c.Q, c.K, mask), visible));
        });
    }

    [Fact]
    public void FutureKeysNeverChangeEarlierOutputsUnderEitherAlignment()
    {
        Gen.Select(Cases, Gen.Bool, Gen.Int[0, 1000]).Sample((c, bottomRight, pick) =>
        {
            var alignment = bottomRight ? CausalAlignment.BottomRight : CausalAlignment.TopLeft;
            int offset = Mask.CausalOffset(c.L, c.S, alignment);
            int j = pick % c.S;
            Tensor K = c.K, V = c.V, K2 = K.Clone(), V2 = V.Clone();
            for (int b = 0; b < c.B; b++)
            {
                for (int h = 0; h < c.H; h++)
                {
                    K2.Row(b, h, j).Fill(3.5f);
                    V2.Row(b, h, j).Fill(-100f);
                }
            }

            var O = ScaledDotProductAttention.Forward(c.Q, K, V, causal: alignment);
            var O2 = ScaledDotProductAttention.Forward(c.Q, K2, V2, causal: alignment);
            for (int b = 0; b < c.B; b++)
            {
                for (int h = 0; h < c.Hq; h++)
                {
                    for (int i = 0; i < c.L && i + offset < j; i++)
                    {
                        Assert.Equal(O.Row(b, h, i).ToArray(), O2.Row(b, h, i).ToArray());
                    }
                }
            }
        });
    }

    [Fact]
    public void PermutingQueriesPermutesOutputsAndPermutingKeyValuePairsChangesNothing()
    {
        Gen.Select(MhaCases, Gen.Int[0, 1_000_000]).Sample((c, permSeed) =>
        {
            var rng = new Random(permSeed);
            int[] pq = [.. Enumerable.Range(0, c.L).OrderBy(_ => rng.Next())];
            int[] pk = [.. Enumerable.Range(0, c.S).OrderBy(_ => rng.Next())];
            Tensor Q = c.Q, K = c.K, V = c.V;
            Tensor Qp = Permute(Q, pq), Kp = Permute(K, pk), Vp = Permute(V, pk);
            var O = ScaledDotProductAttention.Forward(Q, K, V);
            Assert.Equal(Permute(O, pq).Data, ScaledDotProductAttention.Forward(Qp, K, V).Data);
            Assert.True(Reference.MaxAbsDiff(O, ScaledDotProductAttention.Forward(Q, Kp, Vp)) < 1e-5);
        });
    }

    /// <summary>Rows of axis 2 reordered: result[.., n, :] = t[.., perm[n], :].</summary>
    private static Tensor Permute(Tensor t, int[] perm)
    {
        var result = new Tensor(t.Shape);
        for (int b = 0; b < t.Dim(0); b++)
        {
            for (int h = 0; h < t.Dim(1); h++)
            {
                for (int n = 0; n < perm.Length; n++)
                {
                    t.Row(b, h, perm[n]).CopyTo(result.Row(b, h, n));
                }
            }
        }

        return result;
    }

    [Fact]
    public void HugeLogitsGiveNoNaNOrInfinity()
    {
        Cases.Sample(c =>
        {
            var result = ScaledDotProductAttention.ForwardWithWeights(c.Q, c.K, c.V, causal: CausalAlignment.BottomRight, scale: 1e4f);
            Assert.All(result.Output.Data, x => Assert.True(float.IsFinite(x)));
            int offset = c.S - c.L;
            Assert.Null(VisibleRowsSumToOne(result.Weights!, (b, h, i, j) => j <= i + offset));
        });
    }

    [Fact]
    public void RowWithNoVisibleKeyGivesZeroWeightsAndZeroOutput()
    {
        Cases.Sample(c =>
        {
            int blind = c.Seed % c.L;
            var mask = Mask.FromPredicate(c.L, c.S, (i, j) => i != blind);
            var result = ScaledDotProductAttention.ForwardWithWeights(c.Q, c.K, c.V, mask);
            for (int b = 0; b < c.B; b++)
            {
                for (int h = 0; h < c.Hq; h++)
                {
                    Assert.All(result.Weights!.Row(b, h, blind).ToArray(), w => Assert.Equal(0f, w));
                    Assert.All(result.Output.Row(b, h, blind).ToArray(), o => Assert.Equal(0f, o));
                }
            }
        });
    }

    [Fact]
    public void BottomRightAndTopLeftFollowTheirDefinitionsWhenFewerQueriesThanKeys()
    {
        var gen = from c in MhaCases from L in Gen.Int[1, 4] from extra in Gen.Int[1, 4] select c with { L = L, S = L + extra };
        gen.Sample(c =>
        {
            var topLeft = ScaledDotProductAttention.Forward(c.Q, c.K, c.V, causal: CausalAlignment.TopLeft);
            var bottomRight = ScaledDotProductAttention.Forward(c.Q, c.K, c.V, causal: CausalAlignment.BottomRight);
            Assert.True(Reference.MaxAbsDiff(topLeft, Reference.Attention(c.Q, c.K, c.V, (b, h, i, j) => j <= i)) < 1e-5);
            Assert.True(Reference.MaxAbsDiff(bottomRight, Reference.Attention(c.Q, c.K, c.V, (b, h, i, j) => j <= i + c.S - c.L)) < 1e-5);
            Assert.NotEqual(topLeft.Data, bottomRight.Data);
        });
    }

    public static TheoryData<string, Func<object>, string, string[]> BadInputs()
    {
        Tensor T(params int[] shape) => Tensor.Random(7, shape);
        Tensor WithNaN(params int[] shape)
        {
            var t = T(shape);
            t.Data[^1] = float.NaN;
            return t;
        }

        return new TheoryData<string, Func<object>, string, string[]>
        {
            { "Q rank 3", () => ScaledDotProductAttention.Forward(T(1, 3, 4), T(1, 2, 3, 4), T(1, 2, 3, 4)), "Q", ["[*, *, *, *]", "[1, 3, 4]"] },
            { "K rank 5", () => ScaledDotProductAttention.Forward(T(1, 2, 3, 4), T(1, 1, 2, 3, 4), T(1, 2, 3, 4)), "K", ["[1, *, *, 4]", "[1, 1, 2, 3, 4]"] },
            { "K batch", () => ScaledDotProductAttention.Forward(T(1, 2, 3, 4), T(2, 2, 3, 4), T(2, 2, 3, 4)), "K", ["[1, *, *, 4]", "[2, 2, 3, 4]"] },
            { "K headDim", () => ScaledDotProductAttention.Forward(T(1, 2, 3, 4), T(1, 2, 3, 5), T(1, 2, 3, 4)), "K", ["[1, *, *, 4]", "[1, 2, 3, 5]"] },
            { "V keys", () => ScaledDotProductAttention.Forward(T(1, 2, 3, 4), T(1, 2, 3, 4), T(1, 2, 5, 4)), "V", ["[1, 2, 3, *]", "[1, 2, 5, 4]"] },
            { "V batch", () => ScaledDotProductAttention.Forward(T(2, 2, 3, 4), T(2, 2, 3, 4), T(1, 2, 3, 4)), "V", ["[2, 2, 3, *]", "[1, 2, 3, 4]"] },
            { "kv heads", () => ScaledDotProductAttention.Forward(T(1, 3, 3, 4), T(1, 2, 3, 4), T(1, 2, 3, 4)), "K", ["[1, 3, 3, 4]", "[1, 2, 3, 4]"] },
            { "no queries", () => ScaledDotProductAttention.Forward(T(1, 2, 0, 4), T(1, 2, 3, 4), T(1, 2, 3, 4)), "Q", ["[batch, queryHeads, queries, headDim]", "[1, 2, 0, 4]"] },
            { "no keys", () => ScaledDotProductAttention.Forward(T(1, 2, 3, 4), T(1, 2, 0, 4), T(1, 2, 0, 4)), "K", ["[batch, kvHeads, keys, headDim]", "[1, 2, 0, 4]"] },
            { "NaN in Q", () => ScaledDotProductAttention.Forward(WithNaN(1, 2, 3, 4), T(1, 2, 3, 4), T(1, 2, 3, 4)), "Q", ["NaN", "[1, 2, 3, 4]"] },
            { "NaN in K", () => ScaledDotProductAttention.Forward(T(1, 2, 3, 4), WithNaN(1, 2, 3, 4), T(1, 2, 3, 4)), "K", ["NaN", "[1, 2, 3, 4]"] },
            { "NaN in V", () => ScaledDotProductAttention.Forward(T(1, 2, 3, 4), T(1, 2, 3, 4), WithNaN(1, 2, 3, 2)), "V", ["NaN", "[1, 2, 3, 2]"] },
            { "NaN in bias", () => ScaledDotProductAttention.Forward(T(1, 2, 3, 4), T(1, 2, 3, 4), T(1, 2, 3, 4), bias: WithNaN(3, 3)), "bias", ["NaN"] },
            { "bias shape", () => ScaledDotProductAttention.Forward(T(1, 2, 3, 4), T(1, 2, 3, 4), T(1, 2, 3, 4), bias: T(3, 4)), "bias", ["[1, 2, 3, 3]", "[3, 4]"] },
            { "mask shape", () => ScaledDotProductAttention.Forward(T(1, 2, 3, 4), T(1, 2, 3, 4), T(1, 2, 3, 4), Mask.Causal(3, 4)), "mask", ["[1, 2, 3, 3]", "[3, 4]"] },
        };
    }

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void BadInputThrowsNamingArgumentAndShapes(string what, Func<object> call, string argument, string[] inMessage)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => call());
        Assert.Equal(typeof(ArgumentException), ex.GetType());
        Assert.True(argument == ex.ParamName, $"{what}: ParamName {ex.ParamName}, message {ex.Message}");
        Assert.All(inMessage, s => Assert.Contains(s, ex.Message));
    }
}
