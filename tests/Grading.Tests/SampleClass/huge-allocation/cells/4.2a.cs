Tensor HeadWeights(Tensor Q, Tensor K)
{
    // Keeps every scratch buffer alive: the heap only grows.
    var scratch = new List<float[]>();
    while (true)
    {
        scratch.Add(new float[1 << 24]);
    }
}
