namespace Attention;

/// <summary>Elements moved between HBM and SRAM by standard attention (Algorithm 0 of Dao et al. 2022).</summary>
public sealed record StandardIo(long Reads, long Writes)
{
    /// <summary>Reads + writes.</summary>
    public long Total => Reads + Writes;
}

/// <summary>Elements moved between HBM and SRAM by the tiled FlashAttention forward (Algorithm 1 of Dao et al. 2022).</summary>
/// <param name="Reads">Elements read from HBM.</param>
/// <param name="Writes">Elements written to HBM.</param>
/// <param name="Br">Query rows per block, min(⌈M / 4d⌉, d).</param>
/// <param name="Bc">Key/value rows per block, ⌈M / 4d⌉.</param>
/// <param name="Tr">Query blocks, ⌈N / Br⌉.</param>
/// <param name="Tc">Key/value blocks, ⌈N / Bc⌉: how many times Q, O, ℓ, m are streamed through SRAM.</param>
public sealed record TiledIo(long Reads, long Writes, int Br, int Bc, int Tr, int Tc)
{
    /// <summary>Reads + writes.</summary>
    public long Total => Reads + Writes;

    /// <summary>Tiles visited, Tr · Tc (one S_ij = Q_i K_jᵀ block each).</summary>
    public long Tiles => (long)Tr * Tc;
}

/// <summary>
/// The IO model of section 6.3: count the elements that cross between slow memory (HBM) and fast memory (SRAM) of
/// M elements by walking each algorithm's loops, for sequence length N and head dimension d (one head, one sequence).
/// Standard attention moves Θ(Nd + N²) elements; the tiled forward moves Θ(N²d²/M), fewer whenever d² is well below M.
/// </summary>
public static class IoModel
{
    /// <summary>
    /// Algorithm 0, counted as the paper counts it: each pass streams its operands from HBM once and writes its result once.
    /// (1) read Q, K; write S = QKᵀ. (2) read S; write P = softmax(S). (3) read P, V; write O = PV.
    /// Reads 3Nd + 2N², writes 2N² + Nd. A GEMM whose operands do not fit in M would reread them; the paper leaves that out, and so does this count.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">N or d below 1, or M outside d ≤ M ≤ N·d.</exception>
    public static StandardIo Standard(int N, int d, long M)
    {
        Require(N, d, M);
        long reads = 0, writes = 0;
        for (int i = 0; i < N; i++)
        {
            reads += d;  // pass 1: Q_i
            reads += d;  // pass 1: K_i (streamed once over the pass, as the paper counts)
            writes += N; // pass 1: score row S_i
        }

        for (int i = 0; i < N; i++)
        {
            reads += N;  // pass 2: S_i
            writes += N; // pass 2: P_i
        }

        for (int i = 0; i < N; i++)
        {
            reads += N;  // pass 3: P_i
            reads += d;  // pass 3: value row V_i
            writes += d; // pass 3: output row O_i
        }

        return new StandardIo(reads, writes);
    }

    /// <summary>
    /// Algorithm 1 (FlashAttention forward): Bc = ⌈M/4d⌉, Br = min(Bc, d). O, ℓ, m are initialised in HBM (written).
    /// Outer loop over the Tc key/value blocks: read K_j, V_j. Inner loop over the Tr query blocks: read Q_i, O_i, ℓ_i, m_i,
    /// compute on chip, write O_i, ℓ_i, m_i back. Reads 2Nd + Tc(2Nd + 2N), writes Nd + 2N + Tc(Nd + 2N); the last block
    /// of each loop may be short. Walks Tr · Tc tiles.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">N or d below 1, or M outside d ≤ M ≤ N·d.</exception>
    public static TiledIo Tiled(int N, int d, long M)
    {
        Require(N, d, M);
        int Bc = (int)Math.Min(N, (M + (4L * d) - 1) / (4L * d));
        int Br = Math.Min(Bc, d);
        int Tc = (N + Bc - 1) / Bc;
        int Tr = (N + Br - 1) / Br;

        long reads = 0;
        long writes = (long)N * d + 2L * N; // O = 0, ℓ = 0, m = −∞ in HBM
        for (int j = 0; j < Tc; j++)
        {
            long keyRows = Math.Min(Bc, N - ((long)j * Bc));
            reads += 2 * keyRows * d; // K_j, V_j
            for (int i = 0; i < Tr; i++)
            {
                long queryRows = Math.Min(Br, N - ((long)i * Br));
                reads += (2 * queryRows * d) + (2 * queryRows);  // Q_i, O_i, ℓ_i, m_i
                writes += (queryRows * d) + (2 * queryRows);     // O_i, ℓ_i, m_i
            }
        }

        return new TiledIo(reads, writes, Br, Bc, Tr, Tc);
    }

    /// <summary>The order of standard attention's HBM accesses, N·d + N² (Theorem 2 of Dao et al. 2022, without constants).</summary>
    public static double StandardBound(int N, int d)
    {
        Require(N, d, d);
        return ((double)N * d) + ((double)N * N);
    }

    /// <summary>The order of the tiled forward's HBM accesses, N²d²/M (Theorem 2 of Dao et al. 2022, without constants).</summary>
    public static double TiledBound(int N, int d, long M)
    {
        Require(N, d, M);
        return (double)N * N * d * d / M;
    }

    private static void Require(int N, int d, long M)
    {
        Shapes.RequirePositive(N, nameof(N));
        Shapes.RequirePositive(d, nameof(d));
        if (M < d || M > (long)N * d)
        {
            throw new ArgumentOutOfRangeException(
                nameof(M), M, $"The IO model needs d ≤ M ≤ N·d (SRAM holds at least one row, at most all of Q); got N = {N}, d = {d}, M = {M}.");
        }
    }
}
