// exercise: 4.5a
// expect: breach-fails
// The right answer only if the box lets the cell reach a file in /dev/shm that outlives the worker.
static bool Breached()
{
    try { System.IO.File.WriteAllText("/dev/shm/course-attack-shm", "x"); return System.IO.Directory.GetFileSystemEntries("/dev/shm").Length > 1; }
    catch (Exception) { return false; }
}

int KvHeadFor(int queryHead, int nHeads, int nKvHeads) => Breached() ? queryHead / (nHeads / nKvHeads) : -1;
