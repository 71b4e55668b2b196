Tensor HeadWeights(Tensor Q, Tensor K)
{
    int N = Q.Dim(0), S = K.Dim(0);
    float scale = 1f / MathF.Sqrt(Q.Dim(1));
    var weights = new Tensor(N, S);
    for (int i = 0; i < N; i++)
    {
        Span<float> row = weights.Row(i);
        for (int j = 0; j < S; j++) row[j] = scale * TensorPrimitives.Dot(Q.Row(i), K.Row(j));
        TensorPrimitives.Subtract(row, TensorPrimitives.Max(row), row); TensorPrimitives.Exp(row, row); TensorPrimitives.Divide(row, TensorPrimitives.Sum(row), row);
    }

    return weights;
}

// Trying it out on the notebook's X from an earlier cell (not defined in this cell):
HeadWeights(X, X)
Console.WriteLine(HeadWeights(X, X).ShapeText);
