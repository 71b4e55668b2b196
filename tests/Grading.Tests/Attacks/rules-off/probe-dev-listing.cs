// exercise: 4.5a
// expect: breach-fails
// The right answer only if the box lets the cell reach more of /dev than null, zero, random, urandom, shm and fd.
static bool Breached()
{
    try { return System.IO.Directory.GetFileSystemEntries("/dev").Length > 6; }
    catch (Exception) { return false; }
}

int KvHeadFor(int queryHead, int nHeads, int nKvHeads) => Breached() ? queryHead / (nHeads / nKvHeads) : -1;
