Tensor HeadWeights(Tensor Q, Tensor K)
{
    int N = Q.Dim(0), S = K.Dim(0);
    var weights = new Tensor(N, S);
    for (int i = 0; i < N; i++)
    {
        Span<float> row = weights.Row(i);
        // Normalising by a sum that is still zero: 0 / 0 = NaN.
        float sum = TensorPrimitives.Sum(row);
        for (int j = 0; j < S; j++)
        {
            row[j] = 0f / sum;
        }
    }

    return weights;
}
