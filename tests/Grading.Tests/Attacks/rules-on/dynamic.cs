// exercise: 4.5a
// expect: forbidden-api dynamic
// dynamic binds member names at run time, past any rule on the source.
int KvHeadFor(int queryHead, int nHeads, int nKvHeads)
{
    dynamic d = nHeads;
    return queryHead / (int)(d / nKvHeads);
}
