// exercise: 4.5a
// expect: crashed
// Writes a frame of garbage into the worker's answer pipe (found among its descriptors), then answers normally.
int[] KvHeadsOnDevice(int nHeads, int nKvHeads, int devices, int device)
{
    foreach (string fd in System.IO.Directory.GetFileSystemEntries("/proc/self/fd"))
    {
        try
        {
            var target = new System.IO.FileInfo(fd).LinkTarget ?? "";
            if (!target.StartsWith("pipe:")) continue;
            int n = int.Parse(System.IO.Path.GetFileName(fd));
            if (n <= 2) continue;
            using var s = new System.IO.FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(n, false), System.IO.FileAccess.Write);
            s.Write([0xFF, 0xFF, 0xFF, 0x7F, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
            s.Flush();
        }
        catch (Exception) { }
    }
    return Right(nHeads, nKvHeads, devices, device);
}

// The right answer, used when the attack works.
static int[] Right(int nHeads, int nKvHeads, int devices, int device)
{
    if (nHeads <= 0 || nKvHeads <= 0 || devices <= 0 || nHeads % nKvHeads != 0 || nHeads % devices != 0 || device < 0 || device >= devices) throw new ArgumentException("cannot split");
    int group = nHeads / nKvHeads, shard = nHeads / devices, first = device * shard / group, last = (((device + 1) * shard) - 1) / group;
    return Enumerable.Range(first, last - first + 1).ToArray();
}
