Tensor HeadWeights(Tensor Q, Tensor K)
{
    throw new InvalidOperationException("I do not know how to scale the scores yet.");
}
