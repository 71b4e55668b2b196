// exercise: 4.5a
// expect: forbidden-api Microsoft.VisualBasic.FileIO.FileSystem
// VB's file API reads the grader's files and sends them back in an exception message.
int KvHeadFor(int queryHead, int nHeads, int nKvHeads)
{
    string secret = Microsoft.VisualBasic.FileIO.FileSystem.ReadAllText("/etc/passwd");
    throw new ArgumentException(secret);
}
