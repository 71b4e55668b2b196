using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra.Single;

namespace Attention.Bench;

/// <summary>
/// The standard algorithm: per head, materialise S = scale · Q Kᵀ ([L, S] in memory), softmax its rows, then P V —
/// the products by MathNet, the softmax by TensorPrimitives, heads in parallel. What tiling is measured against.
/// </summary>
public static class StandardAttention
{
    /// <summary>Attention with the full score matrix of each head in memory; causal top-left if asked.</summary>
    public static Tensor Forward(Tensor Q, Tensor K, Tensor V, bool causal, int threads)
    {
        int B = Q.Dim(0), H = Q.Dim(1), L = Q.Dim(2), E = Q.Dim(3), S = K.Dim(2), Ev = V.Dim(3);
        float scale = 1f / MathF.Sqrt(E);
        var O = new Tensor(B, H, L, Ev);
        Parallel.For(0, B * H, new ParallelOptions { MaxDegreeOfParallelism = threads }, bh =>
        {
            int b = bh / H, h = bh % H;
            // MathNet matrices are column-major: a row-major [n, d] block is the column-major [d, n] matrix, its transpose.
            var Qt = DenseMatrix.OfColumnMajor(E, L, Q.Data.AsSpan(Q.Offset(b, h, 0, 0), L * E).ToArray());
            var Kt = DenseMatrix.OfColumnMajor(E, S, K.Data.AsSpan(K.Offset(b, h, 0, 0), S * E).ToArray());
            var Vt = DenseMatrix.OfColumnMajor(Ev, S, V.Data.AsSpan(V.Offset(b, h, 0, 0), S * Ev).ToArray());
            var scoresT = Kt.TransposeThisAndMultiply(Qt);          // [S, L] column-major = S row-major [L, S]
            float[] scores = scoresT.AsColumnMajorArray();
            for (int i = 0; i < L; i++)
            {
                Span<float> row = scores.AsSpan(i * S, S);
                if (causal && i + 1 < S)
                {
                    row[(i + 1)..].Fill(float.NegativeInfinity);
                }

                TensorPrimitives.Multiply(row, scale, row);
                TensorPrimitives.SoftMax(row, row);
            }

            var output = Vt * DenseMatrix.OfColumnMajor(S, L, scores);  // [Ev, L] column-major = O row-major [L, Ev]
            output.AsColumnMajorArray().CopyTo(O.Data.AsSpan(O.Offset(b, h, 0, 0), L * Ev));
        });
        return O;
    }
}
