/* test-engine-connections.c — thousands of keep-alive connections opened and dropped
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "cb-http-server.h"
#include "cb-test-util.h"

#define N_ROUNDS  3
#define PER_ROUND 1000

static const char request[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

/* Server-side sockets of @port in CLOSE_WAIT (state 08), from /proc/self/net/tcp. */
static guint
count_close_wait (guint16 port)
{
  g_autofree char *text = NULL;
  g_autofree char *suffix = g_strdup_printf (":%04X", port);
  g_auto(GStrv) lines = NULL;
  guint n = 0;

  g_assert_true (g_file_get_contents ("/proc/self/net/tcp", &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);

  /* "sl local_address rem_address st …", after a header line. */
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit_set (lines[i], " ", -1);
      const char *cols[4] = { NULL };
      guint f = 0;

      for (guint j = 0; fields[j] != NULL && f < G_N_ELEMENTS (cols); j++)
        {
          if (fields[j][0] != '\0')
            cols[f++] = fields[j];
        }

      if (f == G_N_ELEMENTS (cols) && g_str_has_suffix (cols[1], suffix)
          && g_str_equal (cols[3], "08"))
        n++;
    }

  return n;
}

static guint
count_fds (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  while (g_dir_read_name (dir) != NULL)
    n++;

  return n;
}

static void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (1000);
    }
}

static GSocket *
connect_to (guint16 port)
{
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (lo, port);
  g_autoptr(GError) error = NULL;
  GSocket *socket;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_connect (socket, address, NULL, &error));
  g_assert_no_error (error);
  g_socket_set_blocking (socket, FALSE);

  return socket;
}

static void
test_many_connections (void)
{
  g_autoptr(CbHttpServer) server = cb_http_server_new ();
  g_autoptr(GError) error = NULL;
  struct rlimit limit;
  guint fds_before;
  guint16 port;

  /* Both ends of every connection live in this process. */
  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &limit), ==, 0);
  limit.rlim_cur = limit.rlim_max;
  setrlimit (RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur < 2 * PER_ROUND + 100)
    {
      g_test_skip ("Not enough file descriptors");
      return;
    }

  g_assert_true (cb_http_server_listen (server, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  port = cb_http_server_get_port (server);
  fds_before = count_fds ();

  for (guint round = 0; round < N_ROUNDS; round++)
    {
      g_autoptr(GPtrArray) sockets = g_ptr_array_new_with_free_func (g_object_unref);
      guint answered = 0;
      gint64 end;
      gboolean *done = g_new0 (gboolean, PER_ROUND);

      for (guint i = 0; i < PER_ROUND; i++)
        {
          GSocket *socket = connect_to (port);

          g_assert_cmpint (g_socket_send (socket, request, strlen (request), NULL, NULL),
                           ==, strlen (request));
          g_ptr_array_add (sockets, socket);
        }

      /* Every request answered, and the connections kept alive. */
      end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
      while (answered < PER_ROUND)
        {
          g_assert_cmpint (g_get_monotonic_time (), <, end);
          while (g_main_context_iteration (NULL, FALSE))
            ;
          for (guint i = 0; i < PER_ROUND; i++)
            {
              char buf[512];
              gssize n;

              if (done[i])
                continue;
              n = g_socket_receive (g_ptr_array_index (sockets, i), buf, sizeof buf - 1, NULL, NULL);
              if (n > 0)
                {
                  buf[n] = '\0';
                  g_assert_nonnull (strstr (buf, "200 OK"));
                  done[i] = TRUE;
                  answered++;
                }
            }
        }
      g_free (done);
      g_assert_cmpuint (cb_http_server_get_n_connections (server), ==, PER_ROUND);

      /* The clients go away without a word. */
      g_ptr_array_set_size (sockets, 0);
      spin (300);

      g_assert_cmpuint (count_close_wait (port), <=, 10);
      g_assert_cmpuint (cb_http_server_get_n_connections (server), <=, 10);
    }

  /* No descriptor left behind, and the server still answers. */
  g_assert_cmpuint (count_fds (), <=, fds_before + 10);
  {
    g_autoptr(GSocket) socket = connect_to (port);
    gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
    char buf[512];
    gssize n = -1;

    g_socket_send (socket, request, strlen (request), NULL, NULL);
    while (n <= 0)
      {
        g_assert_cmpint (g_get_monotonic_time (), <, end);
        while (g_main_context_iteration (NULL, FALSE))
          ;
        n = g_socket_receive (socket, buf, sizeof buf - 1, NULL, NULL);
      }
    buf[n] = '\0';
    g_assert_nonnull (strstr (buf, "{\"status\":\"ok\"}"));
  }
}

int
main (int   argc,
      char *argv[])
{
  cb_test_init (&argc, &argv);

  g_test_add_func ("/engine/http/many-connections", test_many_connections);

  return g_test_run ();
}
