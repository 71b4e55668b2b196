// exercise: 4.5a
// expect: breach-fails
// The right answer only if the box lets the cell reach another process in view.
static bool Breached()
{
    try { return System.IO.Directory.GetDirectories("/proc").Count(d => int.TryParse(System.IO.Path.GetFileName(d), out _)) > 1; }
    catch (Exception) { return false; }
}

int KvHeadFor(int queryHead, int nHeads, int nKvHeads) => Breached() ? queryHead / (nHeads / nKvHeads) : -1;
