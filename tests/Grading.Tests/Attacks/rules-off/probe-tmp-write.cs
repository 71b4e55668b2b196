// exercise: 4.5a
// expect: breach-fails
// The right answer only if the box lets the cell reach a file written to /tmp.
static bool Breached()
{
    try { System.IO.File.WriteAllText("/tmp/course-attack-tmp", "x"); return true; }
    catch (Exception) { return false; }
}

int KvHeadFor(int queryHead, int nHeads, int nKvHeads) => Breached() ? queryHead / (nHeads / nKvHeads) : -1;
