// exercise: 4.5a
// expect: breach-fails
// The right answer only if the box lets the cell reach anything under /sys.
static bool Breached()
{
    try { return System.IO.Directory.Exists("/sys") && System.IO.Directory.GetFileSystemEntries("/sys").Length > 0; }
    catch (Exception) { return false; }
}

int KvHeadFor(int queryHead, int nHeads, int nKvHeads) => Breached() ? queryHead / (nHeads / nKvHeads) : -1;
