// exercise: 4.5a
// expect: breach-fails
// The right answer only if the box lets the cell reach any capability left.
static bool Breached()
{
    try { return System.IO.File.ReadAllLines("/proc/self/status").Single(l => l.StartsWith("CapEff:")).Split(":\t")[1].Trim().Trim('0').Length > 0; }
    catch (Exception) { return false; }
}

int KvHeadFor(int queryHead, int nHeads, int nKvHeads) => Breached() ? queryHead / (nHeads / nKvHeads) : -1;
