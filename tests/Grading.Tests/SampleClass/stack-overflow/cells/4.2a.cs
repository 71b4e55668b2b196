Tensor HeadWeights(Tensor Q, Tensor K)
{
    // Recursion without a base case (not in tail position, so the JIT cannot turn it into a loop).
    Tensor weights = HeadWeights(K, Q);
    return weights.Clone();
}
