// exercise: 4.5a
// expect: breach-fails
// The right answer only if the box lets the cell reach 32 MiB in 8 MiB files (over the scratch size).
static bool Breached()
{
    try { for (int k = 0; k < 4; k++) System.IO.File.WriteAllBytes($"part{k}", new byte[8 << 20]); return true; }
    catch (Exception) { return false; }
}

int KvHeadFor(int queryHead, int nHeads, int nKvHeads) => Breached() ? queryHead / (nHeads / nKvHeads) : -1;
