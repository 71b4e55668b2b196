// exercise: 4.5a
// expect: passed
// 400 MB to stderr without a newline, straight to the descriptor (the worker silenced Console.Error), then the right answer.
static bool flooded;

int KvHeadFor(int queryHead, int nHeads, int nKvHeads)
{
    if (flooded) return queryHead / (nHeads / nKvHeads);
    flooded = true;
    using var err = Console.OpenStandardError();
    var chunk = new byte[1 << 20];
    Array.Fill(chunk, (byte)'x');
    for (int k = 0; k < 400; k++) err.Write(chunk);
    return queryHead / (nHeads / nKvHeads);
}
