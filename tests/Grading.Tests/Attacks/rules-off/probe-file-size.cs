// exercise: 4.5a
// expect: breach-fails
// The right answer only if the box lets the cell reach one 32 MiB file (over the file-size limit).
static bool Breached()
{
    try { System.IO.File.WriteAllBytes("big", new byte[32 << 20]); return new System.IO.FileInfo("big").Length == 32 << 20; }
    catch (Exception) { return false; }
}

int KvHeadFor(int queryHead, int nHeads, int nKvHeads) => Breached() ? queryHead / (nHeads / nKvHeads) : -1;
