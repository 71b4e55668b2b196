// exercise: 4.5a
// expect: breach-fails
// The right answer only if the box lets the cell reach a user namespace whose root is the real root.
static bool Breached()
{
    try { return System.IO.File.ReadAllText("/proc/self/uid_map").Split(" ", StringSplitOptions.RemoveEmptyEntries)[1] == "0"; }
    catch (Exception) { return false; }
}

int KvHeadFor(int queryHead, int nHeads, int nKvHeads) => Breached() ? queryHead / (nHeads / nKvHeads) : -1;
