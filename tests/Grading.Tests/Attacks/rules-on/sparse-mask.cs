// exercise: 6.4a
// expect: forbidden-api Attention.SparseAttention|Attention.Mask
// The library's sparse patterns build the mask; only counting its tiles is left to write.
long TilesComputed(int n, int window, int sinks, int blockRows, int blockCols)
{
    Attention.Mask pattern = Attention.SparseAttention.GlobalTokens(n, n, [.. Enumerable.Range(0, sinks)], Attention.SparseAttention.SlidingWindow(n, n, window));
    long tiles = 0;
    for (int r0 = 0; r0 < n; r0 += blockRows)
        for (int c0 = 0; c0 < n; c0 += blockCols)
        {
            bool any = false;
            for (int i = r0; i < Math.Min(n, r0 + blockRows) && !any; i++)
                for (int j = c0; j < Math.Min(n, c0 + blockCols) && !any; j++)
                    any = j <= i && pattern[i, j];
            tiles += any ? 1 : 0;
        }
    return tiles;
}
