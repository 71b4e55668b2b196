// exercise: 4.5a
// expect: breach-fails
// The right answer only if the box lets the cell reach /proc/sys opened for writing.
static bool Breached()
{
    try { using var f = new System.IO.FileStream("/proc/sys/kernel/hostname", System.IO.FileMode.Open, System.IO.FileAccess.Write); return true; }
    catch (Exception) { return false; }
}

int[] KvHeadsOnDevice(int nHeads, int nKvHeads, int devices, int device) => Breached() ? Right(nHeads, nKvHeads, devices, device) : [];

// The right answer, used when the attack works.
static int[] Right(int nHeads, int nKvHeads, int devices, int device)
{
    if (nHeads <= 0 || nKvHeads <= 0 || devices <= 0 || nHeads % nKvHeads != 0 || nHeads % devices != 0 || device < 0 || device >= devices) throw new ArgumentException("cannot split");
    int group = nHeads / nKvHeads, shard = nHeads / devices, first = device * shard / group, last = (((device + 1) * shard) - 1) / group;
    return Enumerable.Range(first, last - first + 1).ToArray();
}
