Tensor HeadWeights(Tensor Q, Tensor K)
{
    // Waits for a convergence that never comes.
    while (true)
    {
    }
}
