namespace Attention.Training;

/// <summary>The loss of a batch and its gradient.</summary>
/// <param name="Loss">Mean cross-entropy over the counted positions, in nats.</param>
/// <param name="PerPosition">Each position's −log p(target) [B, N] (0 where not counted).</param>
/// <param name="dLogits">∂Loss/∂logits [B, N, V] = (softmax(logits) − onehot(target)) / count.</param>
public sealed record CrossEntropyResult(double Loss, Tensor PerPosition, Tensor dLogits);

/// <summary>
/// Next-token cross-entropy: position n of sequence b is scored on token n + 1,
/// <code>
/// loss = −(1/count) Σ log softmax(logits[b, n])[tokens[b][n + 1]]       (count = B · (N − 1))
/// </code>
/// The last position has no next token and is not counted.
/// </summary>
public static class CrossEntropy
{
    /// <summary>The loss of <paramref name="logits"/> [B, N, V] against the next tokens of <paramref name="tokens"/> [B][N].</summary>
    public static CrossEntropyResult NextToken(Tensor logits, int[][] tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        Shapes.Require(logits, nameof(logits), "[batch, seq, vocab]", tokens.Length, Shapes.Any, Shapes.Any);
        int B = logits.Dim(0), N = logits.Dim(1), Vocab = logits.Dim(2);
        if (N < 2)
        {
            throw new ArgumentException($"logits {logits.ShapeText} has one position: no position has a next token to score.", nameof(logits));
        }

        int count = B * (N - 1);
        var perPosition = new Tensor(B, N);
        var dLogits = new Tensor(B, N, Vocab);
        double total = 0;
        for (int b = 0; b < B; b++)
        {
            for (int n = 0; n < N - 1; n++)
            {
                int target = tokens[b][n + 1];
                Span<float> dRow = dLogits.Row(b, n);
                float lse = Softmax.Row(logits.Row(b, n), dRow);
                double loss = lse - logits.Data[(((b * N) + n) * Vocab) + target];
                perPosition.Data[(b * N) + n] = (float)loss;
                total += loss;

                // d(−log p_target)/d logit_k = p_k − [k = target], averaged over the counted positions.
                dRow[target] -= 1;
                for (int k = 0; k < Vocab; k++)
                {
                    dRow[k] /= count;
                }
            }
        }

        return new CrossEntropyResult(total / count, perPosition, dLogits);
    }
}
