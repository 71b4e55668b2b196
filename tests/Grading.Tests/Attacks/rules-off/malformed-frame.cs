// exercise: 4.5a
// expect: crashed
// Writes a frame of garbage into the worker's answer pipe (found among its descriptors), then answers normally.
int KvHeadFor(int queryHead, int nHeads, int nKvHeads)
{
    foreach (string fd in System.IO.Directory.GetFileSystemEntries("/proc/self/fd"))
    {
        try
        {
            var target = new System.IO.FileInfo(fd).LinkTarget ?? "";
            if (!target.StartsWith("pipe:")) continue;
            int n = int.Parse(System.IO.Path.GetFileName(fd));
            if (n <= 2) continue;
            using var s = new System.IO.FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(n, false), System.IO.FileAccess.Write);
            s.Write([0xFF, 0xFF, 0xFF, 0x7F, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
            s.Flush();
        }
        catch (Exception) { }
    }
    return queryHead / (nHeads / nKvHeads);
}
