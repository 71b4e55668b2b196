// exercise: 4.5a
// expect: breach-fails
// The right answer only if the box lets the cell reach /proc/sys opened for writing.
static bool Breached()
{
    try { using var f = new System.IO.FileStream("/proc/sys/kernel/hostname", System.IO.FileMode.Open, System.IO.FileAccess.Write); return true; }
    catch (Exception) { return false; }
}

int KvHeadFor(int queryHead, int nHeads, int nKvHeads) => Breached() ? queryHead / (nHeads / nKvHeads) : -1;
