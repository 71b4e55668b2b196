// exercise: 4.5a
// expect: forbidden-api System.Xml.XmlReader
// An XML reader opens any file by path.
int KvHeadFor(int queryHead, int nHeads, int nKvHeads)
{
    using var reader = System.Xml.XmlReader.Create("/etc/hostname");
    reader.Read();
    return queryHead / (nHeads / nKvHeads);
}
