// exercise: 4.5a
// expect: breach-fails
// The right answer only if the box lets the cell reach a descriptor of the grader's (a test file it holds open without close-on-exec).
static bool Breached()
{
    try { return System.IO.Directory.GetFileSystemEntries("/proc/self/fd").Any(fd => (new System.IO.FileInfo(fd).LinkTarget ?? "").Contains("course-secret")); }
    catch (Exception) { return false; }
}

int KvHeadFor(int queryHead, int nHeads, int nKvHeads) => Breached() ? queryHead / (nHeads / nKvHeads) : -1;
