// exercise: 4.5a
// expect: forbidden-api System.Collections.ObjectModel.ReadOnlyCollection
// An allowed member (of System.Array) hands out a type the cell could not name; the cell never writes its name.
int KvHeadFor(int queryHead, int nHeads, int nKvHeads)
{
    _ = Array.AsReadOnly(new[] { queryHead });
    return queryHead / (nHeads / nKvHeads);
}
