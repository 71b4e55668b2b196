// exercise: 4.5a
// expect: breach-fails
// The right answer only if the box lets the cell reach a file written to /dev.
static bool Breached()
{
    try { System.IO.File.WriteAllText("/dev/course-attack", "x"); return true; }
    catch (Exception) { return false; }
}

int KvHeadFor(int queryHead, int nHeads, int nKvHeads) => Breached() ? queryHead / (nHeads / nKvHeads) : -1;
