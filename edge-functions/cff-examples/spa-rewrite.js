// viewer-request, cloudfront-js-1.0 or 2.0: a single-page app's routes all load its index document.
function handler(event) {
  var request = event.request
  var uri = request.uri
  var last = uri.slice(uri.lastIndexOf('/') + 1)
  if (last === '') {
    request.uri = uri + 'index.html'
  } else if (last.indexOf('.') === -1) {
    request.uri = uri + '/index.html'
  }
  return request
}
