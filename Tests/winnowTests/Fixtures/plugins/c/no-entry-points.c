// A shared library that is not a winnow plugin.
int something_else(void) { return 0; }
