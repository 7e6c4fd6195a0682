// viewer-request, cloudfront-js-1.0 or 2.0: one cache entry per set of parameters, whatever their order.
function handler(event) {
  var request = event.request
  var pairs = []
  var names = Object.keys(request.querystring)
  for (var i = 0; i < names.length; i++) {
    var param = request.querystring[names[i]]
    var values = param.multiValue ? param.multiValue : [param]
    for (var j = 0; j < values.length; j++) pairs.push(names[i] + '=' + values[j].value)
  }
  pairs.sort()
  request.querystring = pairs.join('&')
  return request
}
