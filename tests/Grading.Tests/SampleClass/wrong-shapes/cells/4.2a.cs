Tensor HeadWeights(Tensor Q, Tensor K)
{
    // [S, N] instead of [N, S]: one row per key rather than per query.
    int N = Q.Dim(0), S = K.Dim(0);
    var weights = new Tensor(S, N);
    Array.Fill(weights.Data, 1f / N);
    return weights;
}
