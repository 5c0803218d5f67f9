#include "config.h"
#include "cb-test-util.h"
int
main (int argc, char **argv)
{
  cb_test_init (&argc, &argv);
  return g_test_run ();
}
