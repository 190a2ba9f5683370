# Sourced by deploy/local-cluster.sh and bench/replicas.sh: writes $1/nginx.conf, an nginx configuration that runs
# in the foreground as one process with every path under $1 (pid, logs, temporary files) and includes $2 (upstream and
# server blocks) in its http block; then `nginx_standalone_start $1` starts it and sets $nginx_pid.
nginx_standalone_conf() {
  local dir="$1" include="$2"
  mkdir -p "$dir"
  cat > "$dir/nginx.conf" <<NGINX
daemon off;
master_process off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { }
http {
    access_log off;
    client_body_temp_path $dir/body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    include $include;
}
NGINX
}

nginx_standalone_start() {
  /usr/sbin/nginx -p "$1" -c "$1/nginx.conf" -e "$1/error.log" &
  nginx_pid=$!
}
