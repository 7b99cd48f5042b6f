//Maya ASCII 2018 scene
//Name: deferred_refs.ma
//Codeset: UTF-8
file -rdi 1 -ns "set" -dr 1 -rfn "setRN" -typ "mayaAscii" "refs/set_holder.ma";
file -rdi 2 -ns "lamp" -rfn "set:lampRN" -typ "mayaAscii" "refs/lamp_gone.ma";
file -rdi 1 -ns "char" -rfn "charRN" -typ "mayaAscii" "refs/char.ma";
file -rdi 2 -ns "prop" -dr 1 -rfn "char:propRN" -typ "mayaAscii" "refs/prop.ma";
file -r -ns "set" -dr 1 -rfn "setRN" -typ "mayaAscii" "refs/set_holder.ma";
file -r -ns "char" -rfn "charRN" -typ "mayaAscii" "refs/char.ma";
requires maya "2018";
fileInfo "product" "Maya 2018";
createNode transform -s -n "persp";
createNode camera -s -n "perspShape" -p "persp";
createNode renderLayer -n "defaultRenderLayer";
	setAttr ".g" yes;
// End of deferred_refs.ma
