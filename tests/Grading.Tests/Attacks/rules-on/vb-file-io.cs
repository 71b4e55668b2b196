// exercise: 4.5a
// expect: forbidden-api Microsoft.VisualBasic.FileIO.FileSystem
// VB's file API reads the grader's files and sends them back in an exception message.
int[] KvHeadsOnDevice(int nHeads, int nKvHeads, int devices, int device)
{
    string secret = Microsoft.VisualBasic.FileIO.FileSystem.ReadAllText("/etc/passwd");
    throw new ArgumentException(secret);
}
