// exercise: 6.4a
// expect: forbidden-api Attention.SparseAttention|Attention.Mask
// The library's sparse patterns build the very mask asked for; only its conversion to 0/1 is left to write.
Tensor LocalGlobalMask(int n, int window, int[] globals)
{
    Attention.Mask pattern = Attention.SparseAttention.GlobalTokens(n, n, globals, Attention.SparseAttention.SlidingWindow(n, n, window));
    var mask = new Tensor(n, n);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            mask[i, j] = pattern[i, j] ? 1f : 0f;
    return mask;
}
