Tensor HeadWeights(Tensor Q, Tensor K)
{
    int N = Q.Dim(0), S = K.Dim(0);
    var scores = ScaledDotProductAttention.Scores(Q.Reshape(1, 1, N, Q.Dim(1)), K.Reshape(1, 1, S, K.Dim(1)));
    return Softmax.LastAxis(scores).Reshape(N, S);
}

// Trying it out on the notebook's X from an earlier cell (not defined in this cell):
HeadWeights(X, X)
Console.WriteLine(HeadWeights(X, X).ShapeText);
