// exercise: 4.5a
// expect: passed
// 400 MB to stderr without a newline, straight to the descriptor (the worker silenced Console.Error), then the right answer.
static bool flooded;

int[] KvHeadsOnDevice(int nHeads, int nKvHeads, int devices, int device)
{
    if (flooded) return Right(nHeads, nKvHeads, devices, device);
    flooded = true;
    using var err = Console.OpenStandardError();
    var chunk = new byte[1 << 20];
    Array.Fill(chunk, (byte)'x');
    for (int k = 0; k < 400; k++) err.Write(chunk);
    return Right(nHeads, nKvHeads, devices, device);
}

// The right answer, used when the attack works.
static int[] Right(int nHeads, int nKvHeads, int devices, int device)
{
    if (nHeads <= 0 || nKvHeads <= 0 || devices <= 0 || nHeads % nKvHeads != 0 || nHeads % devices != 0 || device < 0 || device >= devices) throw new ArgumentException("cannot split");
    int group = nHeads / nKvHeads, shard = nHeads / devices, first = device * shard / group, last = (((device + 1) * shard) - 1) / group;
    return Enumerable.Range(first, last - first + 1).ToArray();
}
